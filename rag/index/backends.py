"""Index backends: where articles and chunks are stored and searched. Chroma (on disk, or a
Chroma server) and an in-memory index register here; a package adds one through the entry
point group `newsrag.indexes` with a `make(settings)` that returns an object meeting
`rag.index.Index` (tests/integration/test_index_conformance.py is the contract to pass)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.index import Index
from rag.index.chroma_index import ChromaIndex  # chromadb itself loads when a ChromaIndex first connects
from rag.index.memory import MemoryIndex
from rag.index.place import Place
from rag.registry import Registry
from rag.settings import Settings


@dataclass(frozen=True)
class IndexKind:
    name: str
    summary: str
    make: Callable[[Settings], Index]


def _chroma(settings: Settings) -> Index:
    return ChromaIndex(Place(settings.index_dir, settings.collection, settings.chroma_url, settings.chroma_token,
                             settings.chroma_allow_http))


def _memory(settings: Settings) -> Index:
    return MemoryIndex()


INDEXES: Registry[IndexKind] = Registry("newsrag.indexes", "index backend", IndexKind)
INDEXES.register(IndexKind("chroma", "Chroma in index_dir, or a Chroma server at chroma_url (the default)", _chroma))
INDEXES.register(IndexKind("memory", "in this process only, kept nowhere: to try the pipeline", _memory))


def make_index(settings: Settings) -> Index:
    return INDEXES.get(settings.index_backend).make(settings)
