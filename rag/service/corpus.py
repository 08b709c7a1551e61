"""The façade's reading of the corpus, for listings, stats and the article viewer: none of it loads
the embedding model. Rag (rag.service) is a Corpus."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from rag.errors import InputError, StoreError
from rag.index import Index
from rag.ingest.collections import row_of
from rag.lexicon.outlets import outlet
from rag.records import Article, ArticleSummary, Chunk, Copy
from rag.retrieve.copies import copies_by_source, groups_of, shingles

CACHED = 1024  # articles' shingles kept (about 60 kB for 1,000 words)


class Corpus:
    index: Index
    aliases: dict[str, str]
    _read: tuple[str, dict[str, tuple[set[int], ArticleSummary]]] | None = None  # (revision, source -> its shingles)

    def copies(self, sources: Iterable[str]) -> dict[str, tuple[Copy, ...]]:
        """Which of these articles are syndicated copies of one another, each with the others. Asked of
        the articles a question retrieved: a copy's passages score as its original's do, so copies are
        retrieved together (reading every article, as at first, took minutes at 100k articles). Each
        article is read once per revision of the index, and at most CACHED are kept."""
        revision = self.index.revision()
        if self._read is None or self._read[0] != revision or len(self._read[1]) > CACHED:
            self._read = (revision, {})
        read = self._read[1]
        wanted = list(dict.fromkeys(sources))
        for a in self.index.articles_named([s for s in wanted if s not in read]):
            read[a.source] = (shingles(a.text), ArticleSummary(a.source, a.title, a.publisher or "", a.date or "", 0))
        found = [s for s in wanted if s in read]
        return copies_by_source(groups_of({s: read[s][0] for s in found}), [read[s][1] for s in found])

    def stats(self) -> dict:
        """Counts and the settings the index was built with (no model load); StoreError when there is no index."""
        built = self.check_index()
        docs, chunks = self.index.counts()
        return {
            "index": self.index.location, "documents": docs, "chunks": chunks,
            "embedding_model": built.get("embedding_model"), "embedding_backend": built.get("embedding_backend"),
            "embedding_dimensions": built.get("embedding_dimensions"),
            "chunk_size": built.get("chunk_size"), "chunk_overlap": built.get("chunk_overlap"),
            "tokenizer": built.get("tokenizer"), "size_bytes": self.index.size_bytes(),
        }

    def check_index(self) -> dict:
        """The manifest the index was built with; StoreError when nothing was ever ingested here (no model load)."""
        built = self.index.manifest()
        if not built:
            raise self._no_index()
        return built

    def _no_index(self) -> StoreError:
        return StoreError(f"no index at {self.index.location}: run `rag ingest corpus/` first")

    def catalog(self) -> list[ArticleSummary]:
        """One summary per indexed article, by source (none before the first ingest)."""
        rows = self.index.catalog() if self.index.manifest() else []
        return [replace(r, outlet=outlet(r.publisher, self.aliases)) for r in rows]

    def article(self, source: str) -> Article | None:
        return self.index.article(source)

    def find_article(self, name: str) -> Article:
        """The article `name` is the file of: as listed (its source), or a path to the file ingested (a
        collection's row: the path, # and its id); InputError when neither is indexed."""
        found, row = self.index.article(name), row_of(name)
        path, tail = (Path(row[0]).expanduser(), f"#{row[1]}") if row else (Path(name).expanduser(), "")
        if found is None and path.is_file():  # roots are stored resolved
            real = path.resolve()
            roots = (r for r in sorted({a.root for a in self.index.articles()}) if real.is_relative_to(r))
            found = next((a for r in roots if (a := self.index.article(real.relative_to(r).as_posix() + tail))), None)
        if found is None:
            raise InputError(f"{name!r} is not an indexed article: `rag articles` lists them")
        return found

    def articles(self, with_text: bool = False) -> list[Article]:
        return self.index.articles(with_text)

    def article_texts(self, sources: list[str]) -> dict[str, str]:
        return self.index.article_texts(sources)

    def chunks_of(self, source: str) -> list[Chunk]:
        return self.index.chunks_of(source)

