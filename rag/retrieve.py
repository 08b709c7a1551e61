"""Retrieve: the top-k chunks for a question, with metadata filters and scores."""

from __future__ import annotations

from typing import Protocol

from rag.embed import Embedder
from rag.errors import InputError
from rag.records import Filters, Hit
from rag.store import ChromaStore


class Retriever(Protocol):
    def retrieve(self, question: str, top_k: int, filters: Filters | None = None) -> list[Hit]: ...


class DenseRetriever:
    """Cosine similarity over the Chroma chunk collection."""

    def __init__(self, store: ChromaStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    def retrieve(self, question: str, top_k: int, filters: Filters | None = None) -> list[Hit]:
        if not isinstance(top_k, int) or top_k < 1:
            raise InputError(f"top_k must be a positive integer, got {top_k!r}")
        vector = self.embedder.embed([question])[0]
        return self.store.query(vector, top_k, filters)
