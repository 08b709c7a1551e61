"""The index: the only package that touches chromadb. One `Index` protocol, two implementations:
`ChromaIndex` (the product: Chroma + the keyword index beside it) and `MemoryIndex` (unit tests)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.records import Article, ArticleSummary, Chunk, Filters, Finding, Hit


class Index(Protocol):
    """Articles and their chunks, searchable by meaning and by words, describing what built them."""

    @property
    def location(self) -> str: ...

    # -- describing and opening
    def manifest(self) -> dict | None: ...  # the settings it was built with (None: no index yet)

    def open(self, manifest: dict, create: bool) -> bool: ...  # False: none there and not created

    def drop(self) -> None: ...

    # -- writing (inside `writing()`, which yields True after an interrupted writer)
    def writing(self) -> AbstractContextManager[bool]: ...

    def put_articles(self, batch: list[tuple[Article, list[Chunk], np.ndarray]]) -> None: ...

    def delete_article(self, source: str) -> None: ...

    def sweep(self) -> list[str]: ...  # remove chunks left without their article; their sources

    def record_inputs(self, paths: list[Path], upload_dir: Path, fields: dict[str, str]) -> None: ...  # what to rebuild from

    def input_fields(self) -> dict[str, dict[str, str]]: ...  # path -> the --fields its collections were read with

    def committed(self, changed: bool) -> None: ...  # a write is done: readers and keyword search follow

    # -- searching
    def refresh(self) -> None: ...  # catch up with another process's writes

    def revision(self) -> str: ...  # which state of the articles this is: it changes with every write

    def dense(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]: ...

    def keyword(self, question: str, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]: ...

    def idf(self, word: str) -> float: ...

    # -- reading
    def article(self, source: str) -> Article | None: ...

    def articles(self, with_text: bool = False) -> list[Article]: ...

    def article_texts(self, sources: list[str]) -> dict[str, str]: ...

    def articles_named(self, sources: list[str]) -> list[Article]: ...  # with their text; unknown names left out

    def catalog(self) -> list[ArticleSummary]: ...

    def article_hashes(self) -> dict[str, tuple[str, str]]: ...  # source -> (content hash, root)

    def chunks_of(self, source: str) -> list[Chunk]: ...  # in order

    def vectors_for(self, ids: list[str]) -> dict[str, np.ndarray]: ...

    def counts(self) -> tuple[int, int]: ...  # (articles, chunks)

    def size_bytes(self) -> int | None: ...

    # -- health (`rag doctor`): checks against the manifest these settings would write, and their repair
    def diagnose(self, expected: dict) -> list[Finding]: ...

    def repair(self, findings: list[Finding], ingest: Callable[[list[Path], bool], str]) -> list[str]: ...
