"""Faults across processes: ingests killed with SIGKILL, two writers, the web chat beside an ingest."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from files import write_stories
from helpers import CORPUS, ROOT, free_port, make_rag, web_chat

from rag.settings import load_settings
from rag.web.app import launch

RAG = str(Path(sys.executable).parent / "rag")


def rag_env(index: Path) -> dict:
    return {**os.environ, "RAG_INDEX_DIR": str(index)}


def test_killed_ingests_resume_to_equal_a_clean_ingest(tmp_path):
    """The trial script on a small corpus: every trial, once rerun, equals a clean ingest."""
    write_stories(tmp_path / "pool", 60)
    out = tmp_path / "faults.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "fault_kill.py"), "--files", "40", "--trials", "4",
                           "--pool", str(tmp_path / "pool"), "--work", str(tmp_path / "work"),
                           "--out", str(tmp_path / "faults.md"), "--json", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    rows = json.loads(out.read_text())
    assert len(rows) == 4 and any(r["SIGKILL"].startswith("killed") for r in rows)
    for row in rows:
        assert row["first open (new process)"] == "opens" or "rag doctor" in row["first open (new process)"], row
        assert (row["rerun exit"], row["equals clean ingest"], row["articles lost"]) == (0, "yes", 0), row
        found, total = map(int, row["golden found"].split("/"))
        assert found == total > 0, row


def _wait_for_writer(index: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    lock = index / ".rag-write.lock"
    deadline = time.time() + timeout
    while not (lock.exists() and lock.read_text().strip()):
        assert proc.poll() is None and time.time() < deadline, "the first ingest never took the write lock"
        time.sleep(0.05)


def test_a_second_writer_process_is_told_the_index_is_busy_within_5_s(tmp_path):
    write_stories(tmp_path / "stories", 120)
    index = tmp_path / "index"
    first = subprocess.Popen([RAG, "ingest", str(tmp_path / "stories")], env=rag_env(index),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_writer(index, first)
        started = time.perf_counter()
        second = subprocess.run([RAG, "ingest", str(CORPUS)], env=rag_env(index), capture_output=True, text=True,
                                timeout=60)
        elapsed = time.perf_counter() - started
        assert first.poll() is None, "the first ingest ended before the second was tried"
    finally:
        first.wait(300)
    assert second.returncode == 2 and "is busy" in second.stderr and "Traceback" not in second.stderr
    assert elapsed < 5, f"the busy answer took {elapsed:.1f} s"
    assert first.returncode == 0 and make_rag(index).stats()["documents"] == 120  # the first writer was not disturbed


def test_web_chat_answers_during_an_outside_ingest_and_sees_it_after(tmp_path):
    from gradio_client import Client, handle_file

    index = tmp_path / "index"
    make_rag(index).ingest([CORPUS])
    questions = write_stories(tmp_path / "stories", 80)
    port = free_port()
    demo = launch(load_settings(index_dir=index, upload_dir=tmp_path / "uploads", port=port),
                  prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        web_chat(url, "How many students from Tajikistan study in Russia?")  # warm: the index is open
        ingest = subprocess.Popen([RAG, "ingest", str(tmp_path / "stories")], env=rag_env(index),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _wait_for_writer(index, ingest)
        upload = tmp_path / "late.txt"
        upload.write_text("Late news\n\nConvoy number 999 delivered 99 crates of medicine to Kulob on Monday.")
        busy = Client(url, verbose=False).predict([handle_file(str(upload))], api_name="/index")[1]
        during = []
        while ingest.poll() is None:
            during.append(web_chat(url, "How many students from Tajikistan study in Russia?"))
        assert ingest.returncode == 0, ingest.stderr.read()[-500:]
        assert "is busy: another process (ingest by pid" in busy  # an upload meanwhile is told, not queued
        assert not (tmp_path / "uploads" / "late.txt").exists()  # and not kept to be indexed by surprise later
        assert during and all("21,000" in html for html in during), during[-1][:500]
        after = web_chat(url, questions["story-0042.txt"])
        assert "2,554" in after and "story-0042.txt" in after
    finally:
        demo.close()
