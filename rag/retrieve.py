"""Retrieve: dense (Chroma), keyword (BM25) or hybrid (both, fused by reciprocal rank)."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from rag.bm25 import Bm25Index
from rag.embed import Embedder
from rag.errors import InputError
from rag.fusion import diversify, reciprocal_rank_fusion
from rag.records import Filters, Hit
from rag.store import ChromaStore

MODES = ("dense", "bm25", "hybrid")
POOL = 3  # each ranking contributes POOL * k candidates to fusion and diversity


class Retriever(Protocol):
    def retrieve(self, question: str, top_k: int, filters: Filters | None = None) -> list[Hit]: ...


def sync_bm25(store: ChromaStore, bm25: Bm25Index) -> None:
    """Rebuild the BM25 index if the store changed since it was built (e.g. by another process)."""
    revision = store.revision()
    if bm25.persisted_revision() != revision:
        bm25.build(store.all_chunks(), revision)


class ChunkRetriever:
    """One retriever for all three modes. Every hit's score is its cosine similarity to the
    question, whichever ranking put it there, so relevance floors mean the same in every mode.
    The caller keeps the BM25 index in step with the store (Rag does, once per question)."""

    def __init__(self, store: ChromaStore, embedder: Embedder, bm25: Bm25Index, mode: str = "hybrid") -> None:
        if mode not in MODES:
            raise InputError(f"retriever must be one of {', '.join(MODES)}, got {mode!r}")
        self.store, self.embedder, self.bm25, self.mode = store, embedder, bm25, mode

    def retrieve(self, question: str, top_k: int, filters: Filters | None = None) -> list[Hit]:
        if not isinstance(top_k, int) or top_k < 1:
            raise InputError(f"top_k must be a positive integer, got {top_k!r}")
        vector = self.embedder.embed([question])[0]
        rankings = []
        if self.mode in ("dense", "hybrid"):
            rankings.append(self.store.query(vector, top_k * POOL, filters))
        if self.mode in ("bm25", "hybrid"):
            rankings.append(self._cosine(self.bm25.search(question, top_k * POOL, filters), vector))
        hits = rankings[0] if len(rankings) == 1 else reciprocal_rank_fusion(rankings)
        return diversify(hits, top_k)

    def _cosine(self, hits: list[Hit], vector: np.ndarray) -> list[Hit]:
        from dataclasses import replace

        stored = self.store.vectors_for([h.chunk.id for h in hits])
        return [replace(h, score=float(stored[h.chunk.id] @ vector)) for h in hits if h.chunk.id in stored]
