"""How records become Chroma rows and rows become records again (pure)."""

from __future__ import annotations

import numpy as np

from rag.lexicon.dates import date_bounds
from rag.records import Article, Chunk, Hit


def centroid(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0)
    return centroid / (np.linalg.norm(centroid) or 1.0)


def rows_of(article: Article, chunks: list[Chunk]) -> tuple[list[dict], dict]:
    """The metadata of each chunk's row, and of the article's record; dates as YYYYMMDD bounds."""
    lo, hi = date_bounds(article.date, article.date_precision)
    base = {"source": article.source, "title": article.title, "date": article.date or "",
            "publisher": article.publisher or "", "date_from": lo, "date_to": hi, **_url(article)}
    metas = [{**base, "ordinal": c.ordinal, "start": c.start, "end": c.end} for c in chunks]
    return metas, article_meta(article, len(chunks), lo, hi)


def article_meta(article: Article, n_chunks: int, lo: int, hi: int) -> dict:
    return {"title": article.title, "date": article.date or "", "date_precision": article.date_precision or "",
            "date_evidence": article.date_evidence or "", "publisher": article.publisher or "",
            "content_hash": article.content_hash, "root": article.root, "chunks": n_chunks,
            "date_from": lo, "date_to": hi, **_url(article)}


def _url(article: Article) -> dict:
    """The url key only where there is one: the rows of an article without one stay as they were."""
    return {"url": article.url} if article.url else {}


def article_from(source: str, m: dict, text: str) -> Article:
    return Article(source=source, title=m["title"], text=text, content_hash=m["content_hash"],
                   date=m["date"] or None, date_precision=m["date_precision"] or None,
                   date_evidence=m["date_evidence"] or None, publisher=m["publisher"] or None,
                   root=m.get("root", ""), url=m.get("url") or None)  # an index older than urls has none


def hit_from(cid: str, text: str, m: dict, score: float) -> Hit:
    chunk = Chunk(cid, m["source"], int(m["ordinal"]), text, int(m["start"]), int(m["end"]))
    return Hit(chunk, float(score), m["title"], m["date"] or None, m["publisher"] or None, url=m.get("url") or None)


def hits_from(ids: list[str], documents: list, metadatas: list, scores: list[float]) -> list[Hit]:
    """Rows as hits (score: cosine similarity), skipping rows whose chunk another process deleted
    meanwhile: Chroma's vector index can still return an id whose document and metadata are gone
    (None) while a prune runs."""
    return [hit_from(i, d, m, score) for i, d, m, score in zip(ids, documents, metadatas, scores)
            if d is not None and m is not None]
