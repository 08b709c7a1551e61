"""Red-team findings on real files: symbolic links out of a corpus, tag soup, answer files that are
not ours (or not files), and terminal escape codes in articles."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from files import HTML
from helpers import invoke, make_rag
from typer.testing import CliRunner

from rag.cli.main import app
from rag.errors import LoadError
from rag.ingest.load import SourceFile, load_file

runner = CliRunner()
SECRET = "OPENAI_API_KEY=sk-live-0123456789abcdef"
STORY = "Dushanbe opens a metro\n\nThe metro will have nine stations, the mayor of Dushanbe said on Monday.\n"




def index_bytes(index: Path) -> bytes:
    return b"".join(p.read_bytes() for p in index.rglob("*") if p.is_file())


def sources(env: Path) -> list[str]:
    return sorted(a.source for a in make_rag(env / "index").catalog())


# 1. Symbolic links


@pytest.fixture
def linked_corpus(env):
    """project/.env (a secret), project/corpus/ (a story, a link to the secret, a link to a folder
    outside, a link to project/store/x.txt) and project/store/x.txt."""
    project = env / "project"
    corpus = project / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (project / ".env").write_text(SECRET + "\n\nThe key to the production account, kept out of the corpus.\n")
    (corpus / "metro.txt").write_text(STORY)
    (corpus / "article.txt").symlink_to(Path("..") / ".env")
    (project / "outside").mkdir()
    (project / "outside" / "y.txt").write_text(SECRET + "\n\nAnother secret page.\n")
    (corpus / "sub" / "elsewhere").symlink_to(project / "outside", target_is_directory=True)
    (project / "store").mkdir()
    (project / "store" / "x.txt").write_text("Tajik border talks\n\nOfficials met at the border post on Friday.\n")
    (corpus / "zz-store.txt").symlink_to(project / "store" / "x.txt")
    return corpus


def test_links_in_a_corpus_are_named_and_never_read(env, linked_corpus):
    result = invoke("ingest", linked_corpus)
    assert result.exit_code == 1 and "1 added" in result.stdout
    for link in ("article.txt", "sub/elsewhere", "zz-store.txt"):
        assert f"{linked_corpus / link}: a symbolic link, not followed (pass --follow-symlinks" in result.stderr
    assert sources(env) == ["metro.txt"]
    assert b"sk-live" not in index_bytes(env / "index")


def test_followed_links_stay_inside_the_paths_named(env, linked_corpus):
    store = linked_corpus.parent / "store"
    result = invoke("ingest", linked_corpus, store, "--follow-symlinks")
    assert result.exit_code == 1
    assert f"{linked_corpus / 'article.txt'}: a symbolic link to {linked_corpus.parent / '.env'}, outside" in result.stderr
    assert f"{linked_corpus / 'sub' / 'elsewhere'}: a symbolic link to {linked_corpus.parent / 'outside'}, outside" \
        in result.stderr
    assert "zz-store.txt: same content as x.txt" in result.stderr  # followed: inside a path named
    assert sources(env) == ["metro.txt", "x.txt"]
    assert b"sk-live" not in index_bytes(env / "index")


def test_a_link_named_on_the_command_line_is_followed(env, linked_corpus):
    named = env / "named.txt"
    named.symlink_to(linked_corpus / "metro.txt")
    assert invoke("ingest", named).exit_code == 0 and sources(env) == ["metro.txt"]


def test_prune_removes_an_article_whose_file_became_a_link(env, linked_corpus):
    (linked_corpus / "article.txt").unlink()
    (linked_corpus / "article.txt").write_text("A plain story\n\nOfficials opened a bridge on Tuesday.\n")
    invoke("ingest", linked_corpus)
    assert "article.txt" in sources(env)
    (linked_corpus / "article.txt").unlink()
    (linked_corpus / "article.txt").symlink_to(Path("..") / ".env")  # as an index built before links were refused
    assert invoke("ingest", linked_corpus, "--prune").exit_code == 1
    assert sources(env) == ["metro.txt"]


# 2. Tag soup


def tag_soup(path: Path, tags: int) -> Path:
    """A page of `tags` elements, one-item lists: extraction took 30 s at 40,000 of them, minutes at 100,000."""
    path.write_text("<html><body>" + "".join(f"<ul><li>item {i}</li></ul>" for i in range(tags // 2)) + "</body></html>")
    return path


def test_tag_soup_is_refused_quickly_and_named(tmp_path):
    soup = tag_soup(tmp_path / "soup.html", 100_000)
    started = time.perf_counter()
    with pytest.raises(LoadError, match=rf"^{soup}: refused: the page has 100,00\d HTML elements, over the 10,000"):
        load_file(SourceFile(soup, tmp_path), 10**8)
    assert time.perf_counter() - started < 3


def test_tag_soup_fails_alone_in_an_ingest(env):
    corpus = env / "corpus"
    corpus.mkdir()
    (corpus / "metro.txt").write_text(STORY)
    tag_soup(corpus / "soup.html", 100_000)
    result = invoke("ingest", corpus)
    assert result.exit_code == 1 and "1 added" in result.stdout
    assert f"{corpus / 'soup.html'}: refused: the page has" in result.stderr


def test_an_upload_is_parsed_once(tmp_path, monkeypatch):
    import trafilatura

    from rag.ingest.uploads import ingest_uploads

    calls = []
    real = trafilatura.bare_extraction
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: calls.append(1) or real(*a, **k))
    page = tmp_path / "gradio-temp"
    page.write_text(HTML)
    rag = make_rag(tmp_path / "index", upload_dir=tmp_path / "uploads")
    report = ingest_uploads(rag, [(page, "school.html")])
    assert report.indexed == ["school.html"] and len(calls) == 1


def test_an_upload_is_never_written_through_a_link_in_the_upload_folder(tmp_path):
    from rag.ingest.uploads import accept_upload

    keep, victim = tmp_path / "uploads", tmp_path / "victim.txt"
    keep.mkdir()
    (keep / "metro.txt").symlink_to(victim)  # dangling: writing through it would create the victim
    upload = tmp_path / "temp"
    upload.write_text(STORY)
    assert accept_upload(upload, "metro.txt", keep, 10**7).name == "metro-2.txt"
    assert not victim.exists()


# 3. Batch answer files


def test_a_one_line_json_file_is_not_taken_for_a_torn_answer(env):
    questions = env / "q.txt"
    questions.write_text("How many stations will the Dushanbe metro have?\n")
    out = env / "config.json"
    out.write_bytes(b'{"name": "x"}')  # one line, no newline: not a torn answer
    result = invoke("batch", questions, "-o", out)
    assert result.exit_code == 2 and "config.json: exists and is not a file of rag batch answers" in result.stderr
    assert out.read_bytes() == b'{"name": "x"}'


def answer_line(i: int) -> str:
    return json.dumps({"id": f"q{i}", "question": "How many?", "answer": "x" * 100, "citations": []}) + "\n"


def test_a_failed_repair_leaves_the_answers_file_whole(tmp_path):
    out = tmp_path / "answers.jsonl"
    out.write_text("".join(answer_line(i) for i in range(3000)) + '{"id": "q3000", "quest')
    before = out.read_bytes()
    limit = len(before) // 2  # writing more than half the file fails (ulimit -f)
    script = ("import sys; from pathlib import Path; from rag.service.batch import answered_ids\n"
              "try:\n    answered_ids(Path(sys.argv[1]))\nexcept Exception as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", script, str(out)], capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert "it is unchanged" in done.stdout, done.stdout + done.stderr
    assert out.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["answers.jsonl"]


def test_a_whole_last_answer_without_its_newline_is_kept_and_resumed(tmp_path):
    from rag.records import Answer
    from rag.service.batch import run_batch

    out = tmp_path / "answers.jsonl"
    out.write_text(answer_line(1).rstrip("\n"))
    report = run_batch([("q1", "a"), ("q2", "b")], out, lambda q, qid: Answer(q, "text", abstained=True, id=qid))
    assert (report.skipped, report.answered) == (1, 1)
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["q1", "q2"]


def _refuses(env: Path, output: Path) -> subprocess.CompletedProcess:
    questions = env / "q.txt"
    questions.write_text("How many stations will the Dushanbe metro have?\n")
    rag = Path(sys.executable).with_name("rag")
    two_gb = 2 << 30  # reading a device that never ends must not take the machine down
    return subprocess.run([str(rag), "batch", str(questions), "-o", str(output)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "RAG_INDEX_DIR": str(env / "index")},
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (two_gb, two_gb)))


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_device_or_pipe_as_answers_file_is_refused_at_once(env, kind):
    output = Path("/dev/full") if kind == "device" else env / "answers.jsonl"
    if kind == "fifo":
        os.mkfifo(output)
    done = _refuses(env, output)
    last = done.stderr.strip().splitlines()[-1]  # after the progress bar's line
    assert done.returncode == 2 and last == f"error: {output}: not a regular file (a device or a pipe); give -o a file name"


# 4. Terminal escape codes


ARTICLE = Path(__file__).resolve().parents[2] / "corpus" / "002_3e4b70f7a6e2aa7f.txt"
HEADLINE = "Putin: Russia's military base in Tajikistan to ensure security of border with Afghanistan"


def test_escape_codes_in_an_article_never_reach_the_terminal(env):
    corpus = env / "corpus"
    corpus.mkdir()
    text = ARTICLE.read_text().replace(HEADLINE, HEADLINE + " \x1b]0;OWNED\x07\x1b]52;c;cm0gLXJmIH4=\x07")
    text = text.replace("21,000 students from Tajikistan", "21,000 students\x1b[2J\x9b31m from Tajikistan")
    (corpus / "students.txt").write_text(text)
    assert invoke("ingest", corpus).exit_code == 0
    assert "\x1b]0;OWNED" in make_rag(env / "index").article("students.txt").title  # printing must drop it
    question = "How many students from Tajikistan study in Russia?"
    shown = invoke("ask", question)
    chat = runner.invoke(app, ["chat"], input=f"{question}\n/sources\n/quit\n")
    for result in (shown, chat):
        assert result.exit_code == 0 and "21,000 students" in result.stdout and "Putin: Russia" in result.stdout
        for text in (result.stdout, result.stderr):
            assert not any(c in text for c in "\x1b\x07\x9b"), repr(text)
    record = invoke("ask", question, "--json").stdout  # JSON escapes them: the data stays exact
    assert not any(c in record for c in "\x1b\x07\x9b")
    assert "\x1b]0;OWNED\x07" in json.loads(record)["citations"][0]["title"]
