"""Damaged, half-written and outdated indexes: one clear line instead of a traceback, and
`rag doctor` to find what is wrong and `rag doctor --repair` to fix it without losing the files."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import make_rag

RAG = str(Path(sys.executable).parent / "rag")
QUESTION = "How many students from Tajikistan study in Russia?"
STUDENTS = "002_3e4b70f7a6e2aa7f.txt"


def cli(index: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process: a damaged index may crash the process that opens it."""
    return subprocess.run([RAG, *args], env={**os.environ, "RAG_INDEX_DIR": str(index)}, capture_output=True,
                          text=True, timeout=600)


def one_clear_line(done: subprocess.CompletedProcess, *needles: str) -> None:
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-1500:]
    assert len(done.stderr.strip().splitlines()) == 1 and all(n in done.stderr for n in needles), done.stderr


@pytest.fixture
def index(tmp_path, corpus_copy) -> Path:
    make_rag(tmp_path / "index").ingest([corpus_copy])
    return tmp_path / "index"


def test_a_healthy_index_passes_every_check(index):
    done = cli(index, "doctor")
    assert done.returncode == 0, done.stdout
    for check in ("database", "vectors", "format", "writes", "consistency", "keyword index"):
        assert f"ok      {check}:" in done.stdout


def test_a_damaged_database_file_is_named_and_rebuilt_from_its_files(index):
    (index / "chroma.sqlite3").write_bytes(b"this is not a database " * 4000)
    one_clear_line(cli(index, "ask", QUESTION), str(index), "rag doctor")
    found = cli(index, "doctor")
    assert found.returncode == 1 and "PROBLEM database" in found.stdout and "fix: rag doctor --repair" in found.stdout
    fixed = cli(index, "doctor", "--repair")
    assert fixed.returncode == 0 and "after repair: all checks pass" in fixed.stdout, fixed.stdout + fixed.stderr
    kept = list(index.parent.glob("index.damaged-*"))
    assert len(kept) == 1 and (kept[0] / "chroma.sqlite3").read_bytes().startswith(b"this is not")  # nothing deleted
    assert "21,000" in cli(index, "ask", QUESTION).stdout


def test_an_index_from_an_older_version_says_so_and_is_rebuilt(index):
    rag = make_rag(index)
    meta = dict(rag.index.store.chunks.metadata)
    rag.index.store.chunks.modify(metadata={**meta, "schema_version": 0})
    one_clear_line(cli(index, "ask", QUESTION), "made by an older version of newsrag", "rag ingest --rebuild")
    assert "PROBLEM format" in cli(index, "doctor").stdout
    fixed = cli(index, "doctor", "--repair")
    assert "after repair: all checks pass" in fixed.stdout, fixed.stdout + fixed.stderr
    assert "21,000" in cli(index, "ask", QUESTION).stdout


def test_stray_chunks_and_a_stale_keyword_index_are_found_and_repaired(index):
    rag = make_rag(index)
    rag.index.store.articles.delete(ids=[STUDENTS])  # what a write killed between chunks and record leaves
    (index / "bm25" / "news" / "bm25.json").unlink()
    found = cli(index, "doctor")
    assert found.returncode == 1
    assert f"PROBLEM consistency: 1 sources have chunks but no article record ['{STUDENTS}']" in found.stdout
    assert "PROBLEM keyword index" in found.stdout
    fixed = cli(index, "doctor", "--repair")
    assert "after repair: all checks pass" in fixed.stdout, fixed.stdout + fixed.stderr
    assert make_rag(index).stats()["documents"] == 5 and "21,000" in cli(index, "ask", QUESTION).stdout


def test_half_created_and_empty_indexes_say_what_to_do(tmp_path):
    import chromadb

    half = tmp_path / "half"
    chromadb.PersistentClient(path=str(half)).create_collection("news-articles", embedding_function=None)
    one_clear_line(cli(half, "ask", QUESTION), "no index at", "rag ingest")
    assert cli(half, "doctor").returncode == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "chroma.sqlite3").write_bytes(b"")  # a file whose first write never happened
    one_clear_line(cli(empty, "ask", QUESTION), "no index at", "rag ingest")


def test_an_interrupted_ingest_is_reported_and_resumed_by_repair(index, corpus_copy):
    (index / ".rag-write.lock").write_text("ingest by pid 99999 since 2026-01-01 00:00:00")
    (corpus_copy / "late.txt").write_text("Convoy number 7 delivered 1,259 crates of medicine to Kulob on Monday.")
    found = cli(index, "doctor")
    assert "PROBLEM writes: an ingest was interrupted (ingest by pid 99999" in found.stdout
    assert "21,000" in cli(index, "ask", QUESTION).stdout  # still answers meanwhile
    fixed = cli(index, "doctor", "--repair")
    assert "after repair: all checks pass" in fixed.stdout and "1 added" in fixed.stdout, fixed.stdout


def test_truncated_vector_files_are_found_and_rebuilt(tmp_path):
    from files import write_stories

    questions = write_stories(tmp_path / "stories", 1050)  # past Chroma's 1,000: its vector files are written
    index = tmp_path / "index"
    make_rag(index).ingest([tmp_path / "stories"])
    segments = [p for p in index.glob("*/data_level0.bin") if p.stat().st_size > 100_000]
    assert segments, "Chroma wrote no vector files"
    for data in segments:  # what a writer killed mid-flush leaves (chroma issue #7238)
        with open(data, "r+b") as fh:
            fh.truncate(50_000)
    one_clear_line(cli(index, "ask", questions["story-0042.txt"]), str(index), "rag doctor")
    found = cli(index, "doctor")
    assert "PROBLEM vectors" in found.stdout and "fix: rag doctor --repair" in found.stdout, found.stdout
    fixed = cli(index, "doctor", "--repair")
    assert "after repair: all checks pass" in fixed.stdout, fixed.stdout + fixed.stderr
    assert "2,554" in cli(index, "ask", questions["story-0042.txt"]).stdout
