"""One Rag shared by many chats (as the web chat runs it) while its client is reopened underneath.

`scripts/load_ingest.py --runs 10` is the full load test, with a real `rag ingest` in another process."""

import threading
import time

from helpers import make_rag

QUESTION = "How many students from Tajikistan study in Russia?"


def _ask_from_threads(rag, n: int, until: threading.Event) -> list[str]:
    errors: list[str] = []

    def chat() -> None:
        while True:
            last = until.is_set()
            try:  # what one web chat turn reads: the answer, the cited articles, the corpus list
                answer = rag.ask(QUESTION)
                assert "21,000" in answer.text and rag.article_texts([answer.citations[0].source])
                assert len(rag.catalog()) == 5
            except Exception as exc:  # noqa: BLE001 - whatever a chat would see is the failure
                errors.append(f"{type(exc).__name__}: {exc}")
            if last:
                return

    pool = [threading.Thread(target=chat) for _ in range(n)]
    for t in pool:
        t.start()
    return errors, pool


def test_chats_never_see_the_client_closed_under_them(tmp_path, corpus_copy):
    make_rag(tmp_path / "index").ingest([corpus_copy])
    rag = make_rag(tmp_path / "index")
    rag.ask(QUESTION)
    done = threading.Event()
    errors, pool = _ask_from_threads(rag, 6, done)
    for _ in range(40):  # what following another process's ingest does: close, so the next use reopens
        rag.index.store.close()
        time.sleep(0.02)
    done.set()
    for t in pool:
        t.join()
    assert errors == []

