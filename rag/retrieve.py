"""Retrieve: dense (Chroma), keyword (BM25) or hybrid (both, fused by reciprocal rank)."""

from __future__ import annotations

from typing import Protocol

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
            found = self.bm25.search(question, top_k * POOL, self.store.ids_matching(filters))
            rankings.append(self.store.hits([cid for cid, _ in found], vector))
        hits = rankings[0] if len(rankings) == 1 else reciprocal_rank_fusion(rankings)
        return diversify(hits, top_k)
