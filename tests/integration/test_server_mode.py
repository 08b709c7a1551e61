"""RAG_CHROMA_URL against a real `chroma run` server on a loopback port: ingest, ask, prune."""

import shutil

import pytest
from helpers import CHROMA, free_port, make_rag, serving


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


def test_a_token_checking_proxy_refuses_a_client_without_the_token_and_admits_one_with_it(
        tmp_path, corpus_copy, chroma_server, caplog):
    import json
    import logging

    import httpx
    from token_proxy import TokenProxy

    from rag.errors import StoreError

    token = "s3cret-token-7f2a"
    caplog.set_level(logging.DEBUG)  # everything any library logs, to look for the token in
    with TokenProxy(chroma_server, token) as proxy:
        with pytest.raises(StoreError, match=r"refused the request \(HTTP 401\): set RAG_CHROMA_TOKEN"):
            make_rag(tmp_path / "a", chroma_url=proxy.url).ingest([corpus_copy])
        wrong = make_rag(tmp_path / "b", chroma_url=proxy.url, chroma_token="guess")
        with pytest.raises(StoreError, match=r"HTTP 401\): check RAG_CHROMA_TOKEN"):
            wrong.ask("How many troops?")
        assert not any(admitted for *_, admitted in proxy.requests)
        rag = make_rag(tmp_path / "c", chroma_url=proxy.url, chroma_token=token)
        assert len(rag.ingest([corpus_copy]).added) == 5
        assert "21,000" in rag.ask("How many students from Tajikistan study in Russia?").text
    assert token not in caplog.text and token not in repr(rag.settings) and token not in repr(rag.index.place)
    # No embedding-function configuration is ever sent (CVE-2026-45829 rides on one), nor stored.
    created = [json.loads(body) for method, path, body, _ in proxy.requests
               if method == "POST" and path.endswith("/collections")]
    assert created and all((c.get("configuration") or {}).get("embedding_function") in (None, {"type": "legacy"})
                           for c in created)
    stored = httpx.get(f"{chroma_server}/api/v2/tenants/default_tenant/databases/default_database/collections")
    assert len(stored.json()) == 2 and all(c["configuration_json"]["embedding_function"] in (None, {"type": "legacy"}) for c in stored.json())


def test_a_deleted_collection_is_reported_with_its_remedy_not_as_a_server_that_is_down(tmp_path, corpus_copy,
                                                                                      chroma_server):
    import chromadb

    from rag.errors import StoreError

    question = "How many students from Tajikistan study in Russia?"
    rag = make_rag(tmp_path / "i", chroma_url=chroma_server)
    rag.ingest([corpus_copy])
    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=chromadb.Settings(anonymized_telemetry=False))
    for gone in ("news", "news-articles"):  # what an unauthenticated DELETE did to an exposed server
        client.delete_collection(gone)
        for who in (rag, make_rag(tmp_path / gone, chroma_url=chroma_server)):  # running, and started afresh
            for call in (lambda: who.ask(question), lambda: who.ingest([corpus_copy])):
                with pytest.raises(StoreError, match=f"the index at {chroma_server} is incomplete .*"
                                                     "rebuild it from its files with `rag ingest --rebuild FOLDER`"):
                    call()  # never "nothing matched", never an ingest that finds every article unchanged
        assert len(rag.ingest([corpus_copy], rebuild=True).added) == 5
        assert "21,000" in rag.ask(question).text
