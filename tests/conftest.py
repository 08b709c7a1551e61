"""Shared fixtures: real model, real Chroma in tmp dirs, the network closed except loopback."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag.service import Rag
from rag.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
_real_connect = socket.socket.connect


def _loopback_only(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            ok = False
        if not ok:
            raise ConnectionRefusedError(f"tests may only use loopback, not {host}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True, scope="session")
def no_network():
    socket.socket.connect = _loopback_only
    yield
    socket.socket.connect = _real_connect


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


def make_rag(index_dir: Path, **overrides) -> Rag:
    return Rag(load_settings(index_dir=index_dir, **overrides))


@pytest.fixture(scope="session")
def sample_rag(tmp_path_factory) -> Rag:
    """The sample corpus ingested once into a temp index; tests must not write to it."""
    index = tmp_path_factory.mktemp("sample-index")
    rag = make_rag(index)
    report = rag.ingest([CORPUS])
    assert report.ok and len(report.added) == 5
    return rag


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
