"""How records become Chroma rows and rows become records again (pure)."""

from __future__ import annotations

import numpy as np

from rag.records import Article, Chunk, Hit


def centroid(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0)
    return centroid / (np.linalg.norm(centroid) or 1.0)


def article_meta(article: Article, n_chunks: int, lo: int, hi: int) -> dict:
    return {"title": article.title, "date": article.date or "", "date_precision": article.date_precision or "",
            "date_evidence": article.date_evidence or "", "publisher": article.publisher or "",
            "content_hash": article.content_hash, "root": article.root, "chunks": n_chunks,
            "date_from": lo, "date_to": hi}


def article_from(source: str, m: dict, text: str) -> Article:
    return Article(source=source, title=m["title"], text=text, content_hash=m["content_hash"],
                   date=m["date"] or None, date_precision=m["date_precision"] or None,
                   date_evidence=m["date_evidence"] or None, publisher=m["publisher"] or None,
                   root=m.get("root", ""))


def hit_from(cid: str, text: str, m: dict, distance: float) -> Hit:
    chunk = Chunk(cid, m["source"], int(m["ordinal"]), text, int(m["start"]), int(m["end"]))
    return Hit(chunk, 1.0 - float(distance), m["title"], m["date"] or None, m["publisher"] or None)


def hits_from(ids: list[str], documents: list, metadatas: list, distances: list[float]) -> list[Hit]:
    """Query rows as hits, skipping rows whose chunk another process deleted meanwhile: Chroma's vector
    index can still return an id whose document and metadata are gone (None) while a prune runs."""
    return [hit_from(i, d, m, dist) for i, d, m, dist in zip(ids, documents, metadatas, distances)
            if d is not None and m is not None]
