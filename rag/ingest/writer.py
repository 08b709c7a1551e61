"""What an ingest writes and what it reports: articles gathered into batches, each batch's new chunks
embedded in one go and stored (vectors, then the article's record), and the report of the whole run.
Files (rag.ingest.pipeline) and the rows of collections (rag.ingest.collect) go through one Writer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from rag.embed import Embedder
from rag.index import Index
from rag.ingest.parts import Part
from rag.records import Article, Chunk

Progress = Callable[[str], None]  # called once per file (or collection row) with its source path


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, or FILE:LINE of a collection's row; reason)
    pruned: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, the indexed copy it repeats)
    swept: list[str] = field(default_factory=list)  # sources an interrupted write had left half-stored
    other_types: Counter = field(default_factory=Counter)  # suffix -> files in the folders no reader takes
    not_collections: list[tuple[str, str]] = field(default_factory=list)  # (.csv/.jsonl in a folder, why not read)
    undated: Counter = field(default_factory=Counter)  # collection file -> rows whose date cannot be read
    chunks_embedded: int = 0
    chunks_reused: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """One line of counts, as the CLI, the web chat and `rag doctor --repair` show it."""
        swept = f", {len(self.swept)} half-stored removed" if self.swept else ""
        return (f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
                f"{len(self.duplicates)} duplicates, {len(self.pruned)} pruned, {len(self.failed)} failed{swept}; "
                f"{self.chunks_embedded} chunks embedded, {self.chunks_reused} reused")

    def notes(self) -> list[tuple[str, str]]:
        """(kind, line) for each file worth a word: "failed" (with its reason), "skipped" (a copy, or
        files of a type no reader takes) or "note" (a collection's rows kept undated)."""
        others = [("skipped", f"{n} file{'s' if n > 1 else ''} of type {suffix}: no reader takes it (`rag plugins` "
                              "lists the readers; a plug-in can add one)") for suffix, n in sorted(self.other_types.items())]
        return ([("failed", f"{path}: {reason}") for path, reason in self.failed]
                + [("skipped", f"{source}: same content as {original}, indexed once") for source, original in self.duplicates]
                + others + [("skipped", f"{path}: {why}: not read as an article collection")
                            for path, why in self.not_collections]
                + [("note", f"{path}: {n} row{'s' * (n > 1)} with a date that cannot be read: kept undated")
                   for path, n in sorted(self.undated.items())])


BATCH_CHUNKS = 256  # chunks embedded per model call, across files: fuller, length-sorted batches


@dataclass(frozen=True)
class Run:
    """What every file (and row) of one ingest is checked against."""
    chunk_size: int  # tokens
    chunk_overlap: int
    max_bytes: int
    index: Index
    embedder: Embedder
    known: dict[str, tuple[str, str]]  # source -> (content hash, root) of the stored articles
    owner: dict[str, str]  # content hash -> the one source that holds it (files)
    report: IngestReport
    parsed: dict  # (content hash, kind) -> a parse done ahead of the lock
    part: Part = Part()  # the articles this process writes, when several share the work


@dataclass
class Prepared:
    article: Article
    chunks: list[Chunk]
    updated: bool


class Writer:
    """Gathers prepared articles and writes them BATCH_CHUNKS chunks at a time; `done` tells the
    progress bar of each article written or passed over."""

    def __init__(self, index: Index, embedder: Embedder, report: IngestReport, progress: Progress | None) -> None:
        self.index, self.embedder, self.report, self.progress = index, embedder, report, progress
        self.pending: list[Prepared] = []
        self.chunks = 0

    def add(self, prepared: Prepared) -> None:
        self.pending.append(prepared)
        self.chunks += len(prepared.chunks)
        if self.chunks >= BATCH_CHUNKS:
            self.flush()

    def done(self, source: str) -> None:
        if self.progress:
            self.progress(source)

    def flush(self) -> None:
        batch, self.pending, self.chunks = self.pending, [], 0
        _write(batch, self.index, self.embedder, self.report, self.progress)


def _write(batch: list[Prepared], index: Index, embedder: Embedder, report: IngestReport,
           progress: Progress | None) -> None:
    """Embed the batch's new chunks in one go, then index each article (vectors, then its record)."""
    vectors, embedded = embed_missing([c for p in batch for c in p.chunks], index, embedder)
    bounds = np.cumsum([0] + [len(p.chunks) for p in batch])
    index.put_articles([(p.article, p.chunks, vectors[a:b]) for p, a, b in zip(batch, bounds, bounds[1:])])
    for p in batch:
        (report.updated if p.updated else report.added).append(p.article.source)
        if progress:
            progress(p.article.source)
    report.chunks_embedded += embedded
    report.chunks_reused += int(bounds[-1]) - embedded


def embed_missing(chunks: list[Chunk], index: Index, embedder: Embedder) -> tuple[np.ndarray, int]:
    """Vectors for `chunks`, reusing those the index already holds (ids derive from text)."""
    if not chunks:
        return np.zeros((0, 0), dtype=np.float32), 0
    stored = index.vectors_for(list(dict.fromkeys(c.id for c in chunks)))
    todo = list({c.id: c for c in chunks if c.id not in stored}.values())
    fresh = dict(zip((c.id for c in todo), embedder.encode([c.text for c in todo])))
    return np.stack([stored.get(c.id, fresh.get(c.id)) for c in chunks]), len(todo)
