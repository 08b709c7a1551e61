"""A static embedder for archives: each token's vector distilled once from the packaged MiniLM with
model2vec (the transformer run on every token of its vocabulary, reduced by PCA, weighted by token
frequency), kept under `model_cache`; a text's vector is the mean of its tokens'. No attention, so tens
of times faster than the transformer and weaker in meaning: for ingesting archives, chosen with
`embedding_backend=static` (the index records it, and a query must use the same).

Distilled on first use (about 15 s on 2 cores), or ahead with `python -m rag.embed`; never downloaded.
"""

from __future__ import annotations

import os
import shutil
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.embed.base import CachedEmbedder, resolve_model_path
from rag.embed.onnx_model import export_dir
from rag.errors import ConfigError

DIMENSIONS = 256  # model2vec's default PCA size: the distilled vectors keep most of MiniLM's 384 dimensions' variance
_lock = threading.Lock()


def distilled(model_dir: Path, cache_dir: Path) -> Path:
    """The folder of the static model distilled from `model_dir` (made on first use)."""
    dest = export_dir(model_dir, cache_dir) / f"static-{DIMENSIONS}"
    with _lock:
        if not (dest / "model.safetensors").is_file():
            try:
                _distill(model_dir, dest)
            except OSError as exc:
                raise ConfigError(f"model_cache {cache_dir}: cannot write the static model there "
                                  f"({exc.strerror or exc}); set it to a writable folder") from None
    return dest


def _distill(model_dir: Path, dest: Path) -> None:
    os.environ.setdefault("TQDM_DISABLE", "1")  # model2vec's progress bars: not our user's business
    from model2vec.distill import distill

    model = distill(model_name=str(model_dir), pca_dims=DIMENSIONS)
    tmp = dest.with_name(f"{dest.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(str(tmp))
    if dest.exists():  # another process finished first: its model is the same
        shutil.rmtree(tmp, ignore_errors=True)
        return
    tmp.replace(dest)  # another process sees the whole folder or none


@lru_cache(maxsize=2)
def _model(path: str):
    from model2vec import StaticModel

    return StaticModel.from_pretrained(path)


class StaticEmbedder(CachedEmbedder):
    """Token-vector means: cheap to construct; the model is distilled (first time) and loaded on first use."""

    backend = "static"

    def __init__(self, name: str, cache_dir: Path = Path(".")) -> None:
        self.name = name
        self._path = resolve_model_path(name)
        self._cache_dir = cache_dir
        self._key = (self._path, self.backend)
        self._folder: str | None = None

    @property
    def model(self):
        if self._folder is None:
            self._folder = str(distilled(self._path, self._cache_dir))
        return _model(self._folder)

    @property
    def dimensions(self) -> int:
        return DIMENSIONS

    def fits(self, text: str) -> bool:
        return True  # no window: every token counts, however long the text

    def encode(self, texts: list[str]) -> np.ndarray:
        vecs = np.asarray(self.model.encode(list(texts), show_progress_bar=False), dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
