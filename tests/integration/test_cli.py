"""The `rag` CLI through typer's CliRunner: exit codes, messages, batch format and resume."""

import json

import pytest
from files import write_broken
from helpers import invoke
from typer.testing import CliRunner

from rag.cli.main import app

runner = CliRunner()




def test_ingest_ask_stats_roundtrip(env, corpus_copy):
    assert invoke("ingest", corpus_copy).exit_code == 0
    out = invoke("ask", "How many students from Tajikistan study in Russia?", "--json")
    record = json.loads(out.stdout)
    assert "21,000" in record["answer"] and record["citations"][0]["source"] == "002_3e4b70f7a6e2aa7f.txt"
    stats = json.loads(invoke("stats", "--json").stdout)
    assert stats["documents"] == 5 and stats["embedding_model"] == "all-MiniLM-L6-v2"
    assert stats["embedding_backend"] == "onnx-int8"
    assert {"documents", "chunks", "embedding_model", "chunk_size", "chunk_overlap"} <= set(stats)
    text = invoke("ask", "How many students from Tajikistan study in Russia?").stdout
    assert "Sources:" in text and "[1]" in text and "27 February 2017" in text


def test_reading_commands_on_no_index_create_nothing(env):
    result = invoke("ask", "How many troops are in Tajikistan?")
    assert result.exit_code == 2 and "no index at" in result.output.lower()
    stats = invoke("stats", "--json")
    assert stats.exit_code == 2 and "no index at" in stats.output.lower() and "rag ingest" in stats.output
    assert not (env / "index").exists()


def test_ingest_with_broken_files_exits_1_and_names_them(env, corpus_copy):
    broken = write_broken(corpus_copy / "bad")
    result = invoke("ingest", corpus_copy)
    assert result.exit_code == 1
    for path in broken.values():
        assert str(path) in result.stderr
    assert "5 added" in result.stdout


def test_errors_are_one_line_without_traceback(env, corpus_copy):
    invoke("ingest", corpus_copy)
    result = runner.invoke(app, ["ask", "troops?"], env={"RAG_CHUNK_SIZE": "500"})
    assert result.exit_code == 2
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    assert "rag ingest --rebuild" in result.stderr
    bad = runner.invoke(app, ["stats"], env={"RAG_TOP_K": "zero"})
    assert bad.exit_code == 2 and "RAG_TOP_K: " in bad.stderr


def test_batch_formats_bad_lines_and_resume(env, corpus_copy):
    invoke("ingest", corpus_copy)
    questions = env / "q.jsonl"
    questions.write_text('{"id": "a", "question": "How many students from Tajikistan study in Russia?"}\n'
                         "not json\n"
                         '{"id": "b", "question": ""}\n'
                         '{"question": "What is the capital of Australia?"}\n')
    out = env / "answers.jsonl"
    first = invoke("batch", questions, "-o", out)
    assert first.exit_code == 0 and "2 answered" in first.stdout
    assert "q.jsonl:2: not valid JSON" in first.stderr and "q.jsonl:3: field 'question'" in first.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "q4"] and records[1]["abstained"] is True
    with out.open("a") as fh:
        fh.write('{"id": "torn')  # a crash mid-write
    again = invoke("batch", questions, "-o", out)
    assert "0 answered, 2 already" in again.stdout
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a", "q4"]


@pytest.mark.parametrize("name,content,expected", [
    ("q.csv", "id,question\nx1,How many Russian troops are stationed in Tajikistan?\nx2,\n", ["x1"]),
    ("q.txt", "How many Russian troops are stationed in Tajikistan?\n\nWho is Lavrov?\n", ["q1", "q3"]),
])
def test_batch_csv_and_txt(env, corpus_copy, name, content, expected):
    invoke("ingest", corpus_copy)
    (env / name).write_text(content)
    assert invoke("batch", env / name, "-o", env / "out.jsonl").exit_code == 0
    assert [json.loads(x)["id"] for x in (env / "out.jsonl").read_text().splitlines()] == expected


def test_batch_csv_without_question_column_is_refused(env, corpus_copy):
    (env / "q.csv").write_text("id,text\n1,hello\n")
    result = invoke("batch", env / "q.csv", "-o", env / "out.jsonl")
    assert result.exit_code == 2 and "no 'question' column (columns: id, text)" in result.stderr


def test_chat_says_how_to_leave_and_obeys_its_commands(env, corpus_copy):
    invoke("ingest", corpus_copy)
    result = runner.invoke(app, ["chat"], input="/sources\nHow many students from Tajikistan study in Russia?\n\n"
                                                "/sources\n/clear\nAnd how many teachers?\n/quit\nnever asked\n")
    assert result.exit_code == 0 and "/quit or Ctrl-D: leave" in result.output
    before, after = result.stdout.split("(conversation cleared)")
    assert "(no sources yet)" in before and "21,000" in before
    assert before.count("“He pointed out that 21,000 students") == 1  # quotes only on /sources, once
    assert "asked as" not in after  # cleared: the follow-up has nothing to follow
    assert "never asked" not in result.stdout


def test_batch_shards_split_the_questions_without_overlap(env, corpus_copy):
    invoke("ingest", corpus_copy)
    (env / "q.txt").write_text("\n".join(f"How many troops are in base {n}?" for n in range(7)) + "\n")
    ids = []
    for k in (1, 2, 3):
        assert invoke("batch", env / "q.txt", "-o", env / f"part{k}.jsonl", "--shard", f"{k}/3").exit_code == 0
        ids.append([json.loads(x)["id"] for x in (env / f"part{k}.jsonl").read_text().splitlines()])
    assert sorted(sum(ids, [])) == sorted(json.loads(x)["id"] for x in _all_ids(env)) and len(ids[0]) == 3
    bad = invoke("batch", env / "q.txt", "-o", env / "x.jsonl", "--shard", "4/3")
    assert bad.exit_code != 0 and "--shard '4/3'" in bad.stderr


def _all_ids(env):
    invoke("batch", env / "q.txt", "-o", env / "all.jsonl")
    return (env / "all.jsonl").read_text().splitlines()


def test_an_unwritable_model_cache_is_one_line_naming_it(env, corpus_copy, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = runner.invoke(app, ["ingest", str(corpus_copy)], env={"RAG_MODEL_CACHE": str(blocker / "cache")})
    assert result.exit_code == 2, result.output
    assert f"model_cache {blocker / 'cache'}: cannot write the ONNX model there" in result.output
    assert "Traceback" not in result.output


def test_serve_on_the_network_without_a_password_refuses_in_one_line(env, monkeypatch):
    result = invoke("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 2 and "--host 0.0.0.0 exposes the web chat" in result.output
    assert "--no-auth" in result.output and "Traceback" not in result.output
    monkeypatch.setenv("RAG_AUTH_USER", "ana")
    half = invoke("serve", "--port", "0")
    assert half.exit_code == 2 and "RAG_AUTH_USER is set but no password" in half.output


def test_drafting_questions_with_the_extractive_answerer_says_an_llm_is_needed(env, corpus_copy):
    assert invoke("ingest", corpus_copy).exit_code == 0
    result = invoke("eval", "generate", "-o", env / "drafts.jsonl", "--llm", "extractive")
    assert result.exit_code == 2 and "an LLM is needed here" in result.output and "Traceback" not in result.output
