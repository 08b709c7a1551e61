"""What tests share besides fixtures: the sample corpus, a Rag on a temp index, real servers."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag.service import Rag
from rag.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
CHROMA = Path(sys.executable).parent / "chroma"  # the server CLI that ships with chromadb


def make_rag(index_dir: Path, **overrides) -> Rag:
    return Rag(load_settings(index_dir=index_dir, **overrides))


def web_chat(url: str, question: str) -> str:
    """Ask the running web chat through its API, as gradio_client does; returns the transcript HTML."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    return client.predict(question, "extractive", 5, "hybrid", [], "", "", 3, api_name="/ask")[0]


def free_port() -> int:
    import socket as _socket

    with _socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(argv: list[str], probe_url: str, what: str, timeout: float, **popen):
    """Run a real server process until the block ends; fail clearly if `probe_url` never answers."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen)
    deadline = time.time() + timeout
    try:
        while True:
            try:
                urllib.request.urlopen(probe_url, timeout=1)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail(f"{what} did not come up within {timeout:g} s")
                time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def invoke(*args):
    """`rag ARGS...` through typer's runner (stdout and stderr apart)."""
    from typer.testing import CliRunner

    from rag.cli.main import app

    return CliRunner().invoke(app, [str(a) for a in args])
