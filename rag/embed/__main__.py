"""`python -m rag.embed`: make the configured embedding model ready ahead of use (scripts/setup.sh runs
it): the ONNX export, or the static model's distillation, so the first question does not wait for it."""

from rag.embed.base import resolve_model_path
from rag.embed.onnx_model import export
from rag.embed.static import distilled
from rag.settings import load_settings

settings = load_settings()
model = resolve_model_path(settings.embedding_model)
cache = settings.model_cache.expanduser()
if settings.embedding_backend == "static":
    print(f"embedding model ready: {distilled(model, cache)}")
elif settings.embedding_backend != "torch":
    print(f"embedding model ready: {export(model, cache, settings.embedding_backend == 'onnx-int8')}")
