"""The eval harness end to end: the gold set is valid, a run and a small sweep write reports with plots."""

import json
import shutil

import pytest
from conftest import CORPUS, ROOT
from typer.testing import CliRunner

from rag.cli import app
from rag.errors import InputError
from rag.eval_gold import load_gold
from rag.eval_report import compare_runs
from rag.eval_run import evaluate, parse_sweep, summarize
from rag.load import SourceFile, load_file
from rag.metadata import build_article

GOLD = ROOT / "eval" / "gold.jsonl"


def test_gold_set_is_complete_and_its_evidence_is_verbatim():
    items = load_gold(GOLD)
    texts = {p.name: build_article(load_file(SourceFile(p, CORPUS), 10**7)).text for p in CORPUS.iterdir()}
    assert len(items) >= 60 and sum(not i.answerable for i in items) >= 12
    assert {"number", "date", "who", "where", "paraphrase", "followup"} <= {i.kind for i in items}
    for item in items:
        assert all(s in texts for s in item.gold_sources), item.id
        for ev in item.evidence:
            assert any(ev in texts[s] for s in item.gold_sources), (item.id, ev)
        if item.answerable:
            assert item.key_facts and item.reference and item.evidence, item.id


def test_gold_errors_name_line_and_field(tmp_path):
    bad = tmp_path / "g.jsonl"
    bad.write_text('{"id": "a", "question": "Q?", "answerable": true, "gold_sources": []}\n')
    with pytest.raises(InputError, match=r"g.jsonl:1: an answerable question needs 'gold_sources'"):
        load_gold(bad)
    bad.write_text('{"id": "a", "question": "Q?", "answerable": "maybe"}\n')
    with pytest.raises(InputError, match=r"g.jsonl:1: field 'answerable' must be true or false"):
        load_gold(bad)


def test_csv_gold_sets_are_read(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("id,question,answerable,gold_sources,key_facts,reference\n"
                    "c1,How many troops?,true,003_daad56808568b6dc.txt;004_d3314de6100c5788.txt,7000,About 7000\n"
                    "c2,Population?,false,,,\n")
    items = load_gold(path)
    assert items[0].gold_sources == ("003_daad56808568b6dc.txt", "004_d3314de6100c5788.txt") and not items[1].answerable


def test_eval_scores_the_sample_and_catches_a_broken_answerer(sample_rag):
    items = [i for i in load_gold(GOLD) if i.id in ("g021", "g032", "g066")]
    summary = summarize(evaluate(sample_rag, items))
    assert summary["article_hit"] == 1.0 and summary["key_fact_accuracy"] == 1.0
    assert summary["citation_source_precision"] == 1.0 and summary["declined_unanswerable"] == 1.0
    # The same questions scored against the wrong gold article must score lower.
    from dataclasses import replace
    wrong = [replace(i, gold_sources=("000_7fcf803510b2e5fd.txt",)) if i.answerable else i for i in items]
    assert summarize(evaluate(sample_rag, wrong))["citation_source_precision"] < 0.5


def test_sweep_and_compare_write_reports_with_plots(tmp_path, monkeypatch):
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    for name in ("002_3e4b70f7a6e2aa7f.txt", "003_daad56808568b6dc.txt"):
        shutil.copy(CORPUS / name, corpus / name)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(line for line in GOLD.read_text().splitlines()
                              if json.loads(line)["id"] in ("g021", "g032", "g035", "g066")))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "unused"))
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold), "--corpus", str(corpus), "--reports",
                                      str(tmp_path / "reports"), "--name", "s", "--sweep", "top_k=1,5",
                                      "--sweep", "chunk_size=128,256", "--json"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)
    assert len(runs) == 4 and {tuple(sorted(r["params"].items())) for r in runs} == {
        (("chunk_size", c), ("top_k", k)) for c in (128, 256) for k in (1, 5)}
    folder = tmp_path / "reports" / "s"
    assert (folder / "sweep.png").stat().st_size > 5000 and "| top_k | chunk_size |" in (folder / "report.md").read_text()
    run_a, run_b = folder / "top_k-1_chunk_size-128", folder / "top_k-5_chunk_size-128"
    for png in ("metrics.png", "latency.png"):
        assert (run_a / png).stat().st_size > 5000
    diff = compare_runs(run_a, run_b)
    assert diff["questions"] == 4 and "article_recall" in diff["metrics"]
    out = CliRunner().invoke(app, ["eval", "compare", str(run_a), str(run_b)])
    assert out.exit_code == 0 and "article_recall" in out.stdout


def test_bad_sweep_spec_is_refused():
    with pytest.raises(InputError, match="expected SETTING=V1,V2"):
        parse_sweep(["nonsense=1,2"])
    assert parse_sweep(["top_k=3,5", "answer_threshold=0.2"]) == {"top_k": [3, 5], "answer_threshold": [0.2]}


def test_generated_drafts_are_answerable_by_their_own_evidence(sample_rag, tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_DIR", str(sample_rag.settings.index_dir))
    out = tmp_path / "syn.jsonl"
    result = CliRunner().invoke(app, ["eval", "generate", "-o", str(out)])
    assert result.exit_code == 0, result.output
    items = load_gold(out)
    assert len(items) >= 5 and all(i.synthetic for i in items)
    texts = {a.source: a.text for a in sample_rag.store.list_articles(with_text=True)}
    for item in items:
        assert item.evidence[0] in texts[item.gold_sources[0]]
        assert item.key_facts[0] in item.evidence[0] and item.key_facts[0] not in item.question
    assert any(i.question.startswith("How many students") and i.reference == "21,000" for i in items)


def test_chunk_relevance_counts_unretrieved_evidence_chunks():
    from rag.eval_gold import GoldItem
    from rag.eval_run import score_item
    from rag.records import Answer, Chunk, Hit

    text = "Intro line here.\n\nThe base hosts 7,000 troops. They arrived in 2004."
    item = GoldItem("x", "How many troops?", True, ("a.txt",), ("The base hosts 7,000 troops.",), "7,000", ("7,000",))
    ev = text.index("The base")
    chunks = [("c1", 0, 16), ("c2", ev, ev + 20), ("c3", ev + 10, len(text))]  # c2 and c3 both hold evidence
    hit = Hit(Chunk("c2", "a.txt", 1, text[ev:ev + 20], ev, ev + 20), 0.8, "t", None, None)
    row = score_item(item, Answer("q", "The base hosts 7,000 troops. [1]", False, hits=(hit,)), 5,
                     lambda s: text, lambda s: chunks)
    assert (row["chunk_hit"], row["chunk_recall"], row["chunk_mrr"]) == (1.0, 0.5, 1.0)
    assert row["evidence_recall"] == 0.0  # c2 alone stops mid-sentence


def test_suite_runs_each_gold_set_on_its_own_corpus_and_lists_wrong_answers(tmp_path):
    repo = tmp_path / "repo"
    (repo / "eval").mkdir(parents=True)
    shutil.copytree(CORPUS, repo / "corpus")
    gold = repo / "eval" / "g.jsonl"
    gold.write_text(
        '{"id": "s1", "question": "How many students from Tajikistan study in Russia?", "gold_sources": '
        '["002_3e4b70f7a6e2aa7f.txt"], "key_facts": ["21,000"], "reference": "21,000 students."}\n'
        '{"id": "s2", "question": "Who won the 2018 FIFA World Cup?", "answerable": false}\n'
        '{"id": "s3", "question": "How many students from Tajikistan study in Russia?", "gold_sources": '
        '["002_3e4b70f7a6e2aa7f.txt"], "key_facts": ["99,999"], "reference": "A wrong gold answer."}\n')
    suite = repo / "eval" / "suite.json"
    suite.write_text('[{"name": "tiny", "gold": "eval/g.jsonl", "corpora": ["corpus"]}]')
    result = CliRunner().invoke(app, ["eval", "suite", "--suite", str(suite), "--reports", str(tmp_path / "r"),
                                      "--name", "run"])
    assert result.exit_code == 0, result.output
    assert "tiny" in result.stdout and "key_fact_accuracy" in result.stdout
    report = (tmp_path / "r" / "run" / "tiny" / "report.md").read_text()
    assert "## Decline threshold trade-off" in report and "| 0.50 |" in report
    assert "## Wrong answers (1)" in report and "**s3**" in report and "A wrong gold answer." in report
    rows = [json.loads(x) for x in (tmp_path / "r" / "run" / "tiny" / "results.jsonl").read_text().splitlines()]
    assert all(0 <= r["confidence"] <= 1 for r in rows) and rows[0]["correct_if_answered"] == 1.0


def test_a_suite_file_without_corpora_is_refused(tmp_path):
    bad = tmp_path / "eval" / "suite.json"
    bad.parent.mkdir()
    bad.write_text('[{"name": "x", "gold": "eval/g.jsonl"}]')
    result = CliRunner().invoke(app, ["eval", "suite", "--suite", str(bad)])
    assert result.exit_code != 0 and "needs name, gold and corpora" in result.output
