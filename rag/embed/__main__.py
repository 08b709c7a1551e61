"""`python -m rag.embed`: export the configured embedding model to ONNX ahead of use (scripts/setup.sh
runs it), so the first question does not wait for the export."""

from rag.embed.base import resolve_model_path
from rag.embed.onnx_model import export
from rag.settings import load_settings

settings = load_settings()
if settings.embedding_backend != "torch":
    model = resolve_model_path(settings.embedding_model)
    path = export(model, settings.model_cache.expanduser(), settings.embedding_backend == "onnx-int8")
    print(f"embedding model ready: {path}")
