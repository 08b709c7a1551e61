"""Deterministic stand-ins for the model-backed parts, for unit tests of the logic around them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from rag.embed import CachedEmbedder
from rag.index.memory import MemoryIndex
from rag.lexicon.words import stem, words
from rag.service import Rag
from rag.settings import load_settings

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


class HashEmbedder(CachedEmbedder):
    """Bag of stemmed words hashed into 256 dimensions, normalised: texts sharing words are close,
    as with the real model for the plain cases these tests ask about. No model, no download."""

    name, backend = "hash-256", "fake"
    _key = ("hash-256",)

    @property
    def dimensions(self) -> int:
        return 256

    def fits(self, text: str) -> bool:
        return len(text.split()) <= 200

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 256), np.float32)
        for row, text in enumerate(texts):
            for w in words(text):
                out[row, int(hashlib.md5(stem(w).encode()).hexdigest(), 16) % 256] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def memory_rag(tmp_path: Path, **overrides) -> Rag:
    """A Rag over an in-memory index and the hashing embedder."""
    return Rag(load_settings(index_dir=tmp_path / "index", upload_dir=tmp_path / "uploads", **overrides),
               index=MemoryIndex(), embedder=HashEmbedder())
