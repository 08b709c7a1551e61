"""RAG_CHROMA_URL against a real `chroma run` server on a loopback port: ingest, ask, prune."""

import shutil
import sys
from pathlib import Path

import pytest
from helpers import free_port, make_rag, serving

CHROMA = Path(sys.executable).parent / "chroma"


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.fail(f"chroma CLI not found at {CHROMA}; it ships with the chromadb package")
    port = free_port()
    argv = [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with serving(argv, f"{url}/api/v2/heartbeat", "chroma run", 30):
        yield url


def test_ingest_ask_and_prune_through_a_chroma_server(tmp_path, corpus_copy, chroma_server):
    rag = make_rag(tmp_path / "unused-local-index", chroma_url=chroma_server)
    assert len(rag.ingest([corpus_copy]).added) == 5
    local = tmp_path / "unused-local-index"
    assert not list(local.rglob("chroma.sqlite3"))  # the chunks live on the server
    assert (local / "bm25" / "news" / "bm25.json").exists()  # only the keyword-index cache is local
    # A second client with an empty local cache rebuilds BM25 from the server.
    answer = make_rag(tmp_path / "x", chroma_url=chroma_server).ask("How many students from Tajikistan study in Russia?")
    assert "21,000" in answer.text and answer.citations[0].source == "002_3e4b70f7a6e2aa7f.txt"
    shutil.move(corpus_copy / "004_d3314de6100c5788.txt", tmp_path / "moved.txt")
    assert rag.ingest([corpus_copy], prune=True).pruned == ["004_d3314de6100c5788.txt"]
    assert rag.stats()["documents"] == 4 and rag.stats()["size_bytes"] is None


def test_unreachable_server_is_a_clear_error(tmp_path):
    from rag.errors import StoreError

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match=f"the Chroma server at {url} failed or cannot be reached"):
        make_rag(tmp_path / "i", chroma_url=url).ask("How many troops?")


def test_server_stopped_mid_ingest_and_mid_chat_is_a_clear_error_and_the_ingest_resumes(tmp_path):
    from files import write_stories

    from rag.errors import StoreError

    questions = write_stories(tmp_path / "stories", 300)  # two write batches
    port = free_port()
    argv = [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    rag = make_rag(tmp_path / "local", chroma_url=url)
    with serving(argv, f"{url}/api/v2/heartbeat", "chroma run", 30) as server:
        def stop_the_server(_source: str) -> None:  # called once the first batch is stored
            if server.poll() is None:
                server.kill()
                server.wait()

        with pytest.raises(StoreError, match=f"the Chroma server at {url} failed or cannot be reached .*"
                                             "an interrupted ingest resumes where it stopped"):
            rag.ingest([tmp_path / "stories"], progress=stop_the_server)
        with pytest.raises(StoreError, match="failed or cannot be reached"):
            rag.ask(questions["story-0001.txt"])
    with serving(argv, f"{url}/api/v2/heartbeat", "chroma run", 30):  # back, on the same data
        report = rag.ingest([tmp_path / "stories"])
        assert 0 < len(report.added) < 300 and len(report.added) + len(report.unchanged) == 300
        assert rag.stats()["documents"] == 300
        assert "2,554" in rag.ask(questions["story-0042.txt"]).text
