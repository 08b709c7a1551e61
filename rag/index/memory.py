"""An index in memory: the same `Index` protocol with no Chroma and no disk, for unit tests and
for trying the pipeline on a handful of articles. Filters mean what they mean in Chroma."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import numpy as np

from rag.errors import IndexMismatchError
from rag.index.filters import bounds
from rag.index.keyword import Postings, stem_of
from rag.index.manifest import mismatch
from rag.lexicon.dates import date_bounds
from rag.records import Article, ArticleSummary, Chunk, Filters, Finding, Hit


class MemoryIndex:
    """Implements `rag.index.Index`."""

    location = "memory"

    def __init__(self) -> None:
        self._manifest: dict | None = None
        self._articles: dict[str, Article] = {}
        self._chunks: dict[str, tuple[Chunk, np.ndarray]] = {}
        self._words = Postings()
        self._writes = 0
        self._fields: dict[str, dict[str, str]] = {}

    def manifest(self) -> dict | None:
        return self._manifest

    def open(self, manifest: dict, create: bool) -> bool:
        if self._manifest is None:
            if create:
                self._manifest = dict(manifest)
            return create
        problem = mismatch(self._manifest, manifest, self.location)
        if problem:
            raise IndexMismatchError(problem)
        return True

    def drop(self) -> None:
        self.__init__()

    @contextmanager
    def writing(self) -> Iterator[bool]:
        yield False  # one process, no interrupted writer to sweep up after

    def put_articles(self, batch: list[tuple[Article, list[Chunk], np.ndarray]]) -> None:
        self._writes += 1
        for article, chunks, vectors in batch:
            self.delete_article(article.source)
            self._articles[article.source] = article
            self._chunks.update((c.id, (c, np.asarray(v, np.float32))) for c, v in zip(chunks, vectors))
            self._words.add([c.id for c in chunks], [c.text for c in chunks])

    def delete_article(self, source: str) -> None:
        self._writes += 1
        gone = [cid for cid, (c, _) in self._chunks.items() if c.source == source]
        for cid in gone:
            del self._chunks[cid]
        self._words.remove([cid for cid in gone if cid in self._words.row])
        self._articles.pop(source, None)

    def sweep(self) -> list[str]:
        orphans = sorted({c.source for c, _ in self._chunks.values()} - set(self._articles))
        for source in orphans:  # as in Chroma: chunks whose article record is missing go
            self.delete_article(source)
        return orphans

    def record_inputs(self, paths: list[Path], upload_dir: Path, fields: dict[str, str]) -> None:
        if fields:  # nothing to rebuild from (it lives as long as the process), but re-index reads alike
            self._fields.update((str(p.expanduser().absolute().resolve()), fields) for p in paths)

    def input_fields(self) -> dict[str, dict[str, str]]:
        return dict(self._fields)

    def committed(self, changed: bool) -> None:
        pass

    def refresh(self) -> None:
        pass

    def revision(self) -> str:
        return f"{id(self)}:{self._writes}"

    def dense(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        hits = [self._hit(c, v, vector) for c, v in self._chunks.values() if self._passes(c.source, filters)]
        return sorted(hits, key=lambda h: -h.score)[:k]

    def keyword(self, question: str, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        allowed = np.array([self._passes(self._chunks[i][0].source, filters) if i in self._chunks else False
                            for i in self._words.ids], np.float32)
        return [self._hit(*self._chunks[cid], vector) for cid, _ in self._words.top(question, k, allowed)]

    def idf(self, word: str) -> float:
        return self._words.idf(stem_of(word))

    def article(self, source: str) -> Article | None:
        return self._articles.get(source)

    def diagnose(self, expected: dict) -> list[Finding]:
        return [Finding("index", True, "an index in this process's memory: nothing on disk to check")]

    def repair(self, findings: list[Finding], ingest: Callable[[list[Path], bool], str]) -> list[str]:
        return ["nothing to repair"]

    def articles(self, with_text: bool = False) -> list[Article]:
        found = sorted(self._articles.values(), key=lambda a: a.source)
        return found if with_text else [replace(a, text="") for a in found]  # as Chroma: text only when asked

    def article_texts(self, sources: list[str]) -> dict[str, str]:
        return {s: self._articles[s].text for s in sources if s in self._articles}

    def articles_named(self, sources: list[str]) -> list[Article]:
        return [self._articles[s] for s in sources if s in self._articles]

    def catalog(self) -> list[ArticleSummary]:
        return [ArticleSummary(a.source, a.title, a.publisher or "", a.date or "", len(self.chunks_of(a.source)))
                for a in self.articles()]

    def article_hashes(self) -> dict[str, tuple[str, str]]:
        return {s: (a.content_hash, a.root) for s, a in self._articles.items()}

    def chunks_of(self, source: str) -> list[Chunk]:
        return sorted((c for c, _ in self._chunks.values() if c.source == source), key=lambda c: c.ordinal)

    def vectors_for(self, ids: list[str]) -> dict[str, np.ndarray]:
        return {i: self._chunks[i][1] for i in ids if i in self._chunks}

    def counts(self) -> tuple[int, int]:
        return len(self._articles), len(self._chunks)

    def size_bytes(self) -> int | None:
        return None

    def close(self) -> None:
        pass

    def _hit(self, chunk: Chunk, stored: np.ndarray, vector: np.ndarray) -> Hit:
        a = self._articles[chunk.source]
        return Hit(chunk, float(stored @ vector), a.title, a.date, a.publisher, url=a.url)

    def _passes(self, source: str, filters: Filters | None) -> bool:
        if not filters:
            return True
        a = self._articles[source]
        lo, hi = bounds(filters)
        start, end = date_bounds(a.date, a.date_precision)
        return ((not filters.sources or source in filters.sources)
                and (not filters.publishers or (a.publisher or "") in filters.publishers)
                and (lo is None or (start >= lo and start > 0)) and (hi is None or (0 < end <= hi)))
