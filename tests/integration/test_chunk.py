"""Chunks are token-bounded, cover the article, and point back into it exactly."""

import time
from pathlib import Path

import pytest

from rag.ingest.chunk import chunk_article
from rag.records import Article


def make(text: str) -> Article:
    return Article(source="a/b.txt", title="t", text=text, content_hash="h")


def test_chunks_never_exceed_the_model_window():
    # Cyrillic text costs far more word pieces than cl100k tokens: the guard splits it again.
    from rag.embed.sentence_transformer import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    text = " ".join(["Россия и Таджикистан подписали соглашение о строительстве пограничной заставы."] * 40)
    unguarded = chunk_article(make(text), 256, 0)
    assert not all(embedder.fits(c.text) for c in unguarded)  # the case is real
    guarded = chunk_article(make(text), 256, 0, embedder.fits)
    assert all(embedder.fits(c.text) for c in guarded)
    assert all(make(text).text[c.start:c.end] == c.text for c in guarded)
    assert "".join(c.text for c in guarded).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("name", ["python-doc-exceptions.txt", "python-doc-buffer.txt"])
def test_real_documentation_is_chunked_quickly_and_maps_back(name):
    # Found by the benchmark on Python's documentation (PSF licence): repeated markup made the
    # placement search run for minutes (exceptions), and pieces re-split to fit the model
    # overlapped more than the setting allows, which failed the whole ingest (buffer).
    from rag.embed import make_embedder

    art = make((Path(__file__).parent.parent / "data" / name).read_text())
    embedder = make_embedder("all-MiniLM-L6-v2", "onnx-int8", 32, Path.home() / ".cache" / "newsrag")
    started = time.perf_counter()
    chunks = chunk_article(art, 256, 20, embedder.fits)
    assert time.perf_counter() - started < 20
    assert all(art.text[c.start:c.end] == c.text and embedder.fits(c.text) for c in chunks)
    covered = {i for c in chunks for i in range(c.start, c.end)}
    assert all(i in covered for i, ch in enumerate(art.text) if not ch.isspace())
