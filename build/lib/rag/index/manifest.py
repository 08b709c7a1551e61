"""What an index says about itself, and what to tell the user when it disagrees (pure)."""

from __future__ import annotations

SCHEMA_VERSION = 2  # bump when the stored layout changes; older indexes are then refused (2: a lead is no longer taken for a headline)
KEYS = ("schema_version", "embedding_model", "embedding_backend", "embedding_dimensions", "chunk_size",
        "chunk_overlap", "tokenizer")


def collection_names(collection: str) -> tuple[str, str]:
    """(chunks, articles): the two Chroma collections of one index."""
    return collection, f"{collection}-articles"


def manifest_for(*, model: str, backend: str, dimensions: int, chunk_size: int, chunk_overlap: int,
                 tokenizer: str) -> dict:
    """What the index must agree with: model and backend (int8 vectors differ slightly), dimensions,
    chunking, tokenizer, schema."""
    return {
        "schema_version": SCHEMA_VERSION, "embedding_model": model, "embedding_backend": backend,
        "embedding_dimensions": dimensions, "chunk_size": chunk_size, "chunk_overlap": chunk_overlap,
        "tokenizer": tokenizer,
    }


def read_manifest(metadata: dict | None) -> dict:
    found = {k: (metadata or {}).get(k) for k in KEYS}
    found["embedding_backend"] = found["embedding_backend"] or "torch"  # indexes from before backends
    return found


def mismatch(found: dict, wanted: dict, location: str) -> str | None:
    """Why an index cannot be used with these settings, with the fix; None when it can."""
    version = found.get("schema_version")
    if version != SCHEMA_VERSION:
        age = "a newer" if isinstance(version, int) and version > SCHEMA_VERSION else "an older"
        return (f"the index at {location} was made by {age} version of newsrag (index format "
                f"{version!r}, this version reads {SCHEMA_VERSION}); rebuild it: rag ingest --rebuild PATH "
                "(or `rag doctor --repair`, which re-ingests the folders it was built from)")
    diffs = [f"{k}={found.get(k)!r} (settings: {wanted[k]!r})" for k in KEYS if found.get(k) != wanted[k]]
    if diffs:
        return (f"the index at {location} was built with other settings: {', '.join(diffs)}. "
                "Use the settings it was built with, or rebuild it: rag ingest --rebuild PATH")
    return None
