"""Embed: one Embedder protocol, three runtimes (torch, ONNX Runtime, static token vectors) sharing one query cache."""

from __future__ import annotations

from pathlib import Path

from rag.embed.base import CachedEmbedder, Embedder, resolve_model_path
# Both import their runtime on first use: onnxruntime is not loaded by a torch process, nor torch by an onnx one.
from rag.embed.onnx_model import OnnxEmbedder
from rag.embed.sentence_transformer import SentenceTransformerEmbedder
from rag.embed.static import StaticEmbedder

__all__ = ["CachedEmbedder", "Embedder", "make_embedder", "resolve_model_path"]


def make_embedder(name: str, backend: str, batch_size: int, cache_dir: Path, threads: int = 0) -> CachedEmbedder:
    """The embedder for a backend: torch, onnx or onnx-int8 (exported once into `cache_dir`, on
    `threads` cores, 0 for all), or static (distilled once into `cache_dir`)."""
    if backend == "torch":
        return SentenceTransformerEmbedder(name, batch_size)
    if backend == "static":
        return StaticEmbedder(name, cache_dir)
    return OnnxEmbedder(name, batch_size, quantized=backend == "onnx-int8", cache_dir=cache_dir, threads=threads)
