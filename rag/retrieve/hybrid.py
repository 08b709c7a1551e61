"""Retrieve: dense (by meaning), keyword (BM25) or hybrid (both, fused by reciprocal rank)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from rag.embed import Embedder
from rag.errors import InputError
from rag.index import Index
from rag.records import Copy, Filters, Hit
from rag.retrieve.copies import collapse
from rag.retrieve.fusion import diversify, reciprocal_rank_fusion

MODES = ("dense", "bm25", "hybrid")
POOL = 3  # each ranking contributes POOL * k candidates to fusion and diversity


class Retriever(Protocol):
    def retrieve(self, question: str, top_k: int, filters: Filters | None = None) -> list[Hit]: ...


class ChunkRetriever:
    """One retriever for all three modes. Every hit's score is its cosine similarity to the
    question, whichever ranking put it there, so relevance floors mean the same in every mode.
    The caller keeps the index up to date (Rag refreshes it once per question). With `copies` (which
    of the articles found are syndicated copies of one another), a story is found once and its
    passages name the other outlets."""

    def __init__(self, index: Index, embedder: Embedder, mode: str = "hybrid",
                 copies: Callable[[Iterable[str]], Mapping[str, tuple[Copy, ...]]] | None = None) -> None:
        if mode not in MODES:
            raise InputError(f"retriever must be one of {', '.join(MODES)}, got {mode!r}")
        self.index, self.embedder, self.mode, self.copies = index, embedder, mode, copies

    def retrieve(self, question: str, top_k: int, filters: Filters | None = None) -> list[Hit]:
        if not isinstance(top_k, int) or top_k < 1:
            raise InputError(f"top_k must be a positive integer, got {top_k!r}")
        vector = self.embedder.embed([question])[0]
        rankings = []
        if self.mode in ("dense", "hybrid"):
            rankings.append(self.index.dense(vector, top_k * POOL, filters))
        if self.mode in ("bm25", "hybrid"):
            rankings.append(self.index.keyword(question, vector, top_k * POOL, filters))
        hits = rankings[0] if len(rankings) == 1 else reciprocal_rank_fusion(rankings)
        if self.copies is not None:
            hits = collapse(hits, self.copies(h.chunk.source for h in hits))
        return diversify(hits, top_k)
