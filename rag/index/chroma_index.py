"""The product's index: chunks and articles in Chroma, the BM25 keyword index kept in step beside it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np

from rag.index import doctor
from rag.index.chroma import ChromaStore
from rag.index.inputs import record_inputs, recorded_fields
from rag.index.keyword import Bm25Index
from rag.index.place import Place
from rag.records import Article, ArticleSummary, Chunk, Filters, Finding, Hit


class ChromaIndex:
    """Cheap to construct: Chroma opens on first use. Implements `rag.index.Index`."""

    def __init__(self, place: Place) -> None:
        self.store = ChromaStore(place)
        self.words = Bm25Index(place.index_dir / "bm25" / place.collection)
        self.place = place
        self._catalog: tuple[str, list[ArticleSummary]] | None = None  # (revision, summaries)

    @property
    def location(self) -> str:
        return self.store.location

    def manifest(self) -> dict | None:
        return self.store.manifest()

    def open(self, manifest: dict, create: bool) -> bool:
        return self.store.check(manifest, create)

    def drop(self) -> None:
        self.store.drop()

    def writing(self) -> AbstractContextManager[bool]:
        return self.store.writing()

    def put_articles(self, batch: list[tuple[Article, list[Chunk], np.ndarray]]) -> None:
        self.store.write_articles(batch)

    def delete_article(self, source: str) -> None:
        self.store.delete_article(source)

    def sweep(self) -> list[str]:
        orphans = sorted(doctor.orphan_sources(self.store))
        if orphans:
            self.store.chunks.delete(where={"source": {"$in": orphans}})
        return orphans

    def record_inputs(self, paths: list[Path], upload_dir: Path, fields: dict[str, str]) -> None:
        if not self.place.chroma_url:  # a server's files are not ours to keep notes beside
            record_inputs(self.place.index_dir, paths, upload_dir, fields)

    def input_fields(self) -> dict[str, dict[str, str]]:
        return {} if self.place.chroma_url else recorded_fields(self.place.index_dir)

    def committed(self, changed: bool) -> None:
        revision = self.store.bump_revision() if changed else None
        self.words.sync(self.store, persist=True, revision=revision)  # keyword search sees the new articles at once

    def refresh(self) -> None:
        revision = self.store.follow()  # an ingest by another process (the CLI beside the web chat)
        self.words.sync(self.store, revision=revision)

    def revision(self) -> str:
        """The revision last caught up with (refresh, once a question), else the store's."""
        return self.store.seen or self.store.revision()

    def dense(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        return self.store.query(vector, k, filters)

    def keyword(self, question: str, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        found = self.words.search(question, k, self.store.ids_matching(filters))
        return self.store.hits([cid for cid, _ in found], vector)

    def idf(self, word: str) -> float:
        return self.words.idf(word)

    def article(self, source: str) -> Article | None:
        return self.store.get_article(source)

    def articles(self, with_text: bool = False) -> list[Article]:
        return self.store.list_articles(with_text)

    def article_texts(self, sources: list[str]) -> dict[str, str]:
        return self.store.article_texts(sources)

    def articles_named(self, sources: list[str]) -> list[Article]:
        return self.store.get_articles(sources)

    def catalog(self) -> list[ArticleSummary]:
        """One summary per article, by source. Kept until the index's revision changes (16k
        articles take 1.6 s to list, and every page load lists them)."""
        revision = self.store.revision()
        if self._catalog is None or self._catalog[0] != revision:
            rows = [ArticleSummary(i, m["title"], m["publisher"], m["date"], m["chunks"])
                    for i, m in self.store.article_metadata().items()]
            self._catalog = (revision, sorted(rows, key=lambda r: r.source))
        return self._catalog[1]

    def article_hashes(self) -> dict[str, tuple[str, str]]:
        return {i: (m["content_hash"], m.get("root", "")) for i, m in self.store.article_metadata().items()}

    def chunks_of(self, source: str) -> list[Chunk]:
        return self.store.chunks_of(source)

    def vectors_for(self, ids: list[str]) -> dict[str, np.ndarray]:
        return self.store.vectors_for(ids)

    def counts(self) -> tuple[int, int]:
        return self.store.counts()

    def size_bytes(self) -> int | None:
        if self.place.chroma_url:
            return None
        return sum(f.stat().st_size for f in Path(self.place.index_dir).rglob("*") if f.is_file())

    def close(self) -> None:
        self.store.close()

    def diagnose(self, expected: dict) -> list[Finding]:
        return doctor.diagnose(self.store, self.words, expected)

    def repair(self, findings: list[Finding], ingest: Callable[[list[Path], bool], str]) -> list[str]:
        return doctor.repair(self.store, findings, ingest)
