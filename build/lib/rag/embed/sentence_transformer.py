"""Embed with torch (sentence-transformers): the model loads lazily and once per process."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import numpy as np

from rag.embed.base import CachedEmbedder, resolve_model_path
from rag.settings import DEFAULT_MODEL

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load(path: str):
    # Offline by design: nothing may be fetched from a model hub at run time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # its per-weight bar would interleave with ours
    return SentenceTransformer(path, device="cpu")


class SentenceTransformerEmbedder(CachedEmbedder):
    """Normalised embeddings (cosine = dot product). Cheap to construct; the model loads on first use."""

    backend = "torch"

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        self.name = name
        self.batch_size = batch_size
        self._path = resolve_model_path(name)
        self._key = (self._path, self.backend)

    @property
    def model(self):
        with _lock:
            return _load(str(self._path))

    @property
    def dimensions(self) -> int:
        return int(self.model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        return int(self.model.max_seq_length)

    def fits(self, text: str) -> bool:
        """Does `text` fit the model's window (special tokens included) without truncation?"""
        return len(self.model.tokenizer(text, truncation=False)["input_ids"]) <= self.max_tokens

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors straight from the model (no cache): for bulk ingestion."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return vectors.astype(np.float32)
