"""Ingest: load -> clean -> chunk -> embed -> index, idempotent and safe to interrupt."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from rag.embed import Embedder
from rag.errors import LoadError
from rag.index import Index
from rag.ingest.ahead import Ahead
from rag.ingest.chunk import chunk_article
from rag.ingest.load import SourceFile, file_digest, load_file
from rag.ingest.metadata import build_article
from rag.ingest.walk import discover
from rag.records import Article, Chunk

Progress = Callable[[str], None]  # called once per file with its source path


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    pruned: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, the indexed copy it repeats)
    swept: list[str] = field(default_factory=list)  # sources an interrupted write had left half-stored
    other_types: Counter = field(default_factory=Counter)  # suffix -> files in the folders no reader takes
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
        """(kind, line) for each file worth a word: "failed" (with its reason) or "skipped" (a copy, or
        files of a type no reader takes)."""
        others = [("skipped", f"{n} file{'s' if n > 1 else ''} of type {suffix}: no reader takes it (`rag plugins` "
                              "lists the readers; a plug-in can add one)") for suffix, n in sorted(self.other_types.items())]
        return ([("failed", f"{path}: {reason}") for path, reason in self.failed]
                + [("skipped", f"{source}: same content as {original}, indexed once") for source, original in self.duplicates]
                + others)


BATCH_CHUNKS = 256  # chunks embedded per model call, across files: fuller, length-sorted batches


@dataclass
class _Prepared:
    article: Article
    chunks: list[Chunk]
    updated: bool


def ingest_paths(paths: list[Path], index: Index, embedder: Embedder, chunk_size: int, chunk_overlap: int,
                 max_bytes: int, prune: bool = False, progress: Progress | None = None,
                 on_start: Callable[[int], None] | None = None, follow_links: bool = False,
                 ahead: Ahead | None = None) -> IngestReport:
    """Ingest files and folders into an opened index, chunked to `chunk_size` tokens; files over
    `max_bytes` and other unusable files are reported, never fatal. Symbolic links inside the
    folders are refused unless `follow_links` (and then only those that stay inside the paths named).
    `ahead`: the files' hashes and parses, done before the write lock was taken (rag.ingest.ahead)."""
    report = IngestReport()
    files, missing = discover(paths, follow_links, report.other_types)
    report.failed += [(str(p), reason) for p, reason in missing]
    known = index.article_hashes()
    files, clashing = name_clashes(files, known)
    report.failed += clashing
    if on_start:
        on_start(len(files))
    if prune:  # first, so that a copy of a removed file is indexed in its place
        roots = {str(p.expanduser().absolute().resolve()) for p in paths if p.is_dir()}
        report.pruned = prune_missing(index, roots, known, follow_links)
        known = {src: v for src, v in known.items() if src not in report.pruned}
    ahead = ahead or Ahead()
    digests = {f.source: ahead.digest(f) or file_digest(f.path, max_bytes, f.linked) for f in files}
    run = _Run(chunk_size, chunk_overlap, max_bytes, index, embedder, known, owners(digests, known), report, ahead.parsed)
    pending: list[_Prepared] = []
    for file in files:
        prepared = _prepare(file, digests[file.source], run)
        if prepared is None:
            if progress:
                progress(file.source)
            continue
        pending.append(prepared)
        if sum(len(p.chunks) for p in pending) >= BATCH_CHUNKS:
            _write(pending, index, embedder, report, progress)
            pending = []
    _write(pending, index, embedder, report, progress)
    return report


@dataclass(frozen=True)
class _Run:
    """What every file of one ingest is checked against."""
    chunk_size: int  # tokens
    chunk_overlap: int
    max_bytes: int
    index: Index
    embedder: Embedder
    known: dict[str, tuple[str, str]]  # source -> (content hash, root) of the stored articles
    owner: dict[str, str]  # content hash -> the one source that holds it
    report: IngestReport
    parsed: dict  # (content hash, kind) -> a parse done ahead of the lock


def _prepare(file: SourceFile, digest: str | None, run: _Run) -> _Prepared | None:
    """Load and chunk one file; None when it is unchanged, a copy of another, or unusable (all reported)."""
    previous = run.known.get(file.source)
    if previous and previous[0] == digest:
        run.report.unchanged.append(file.source)  # same bytes: nothing to parse, embed or write
        return None
    try:
        loaded = load_file(file, run.max_bytes, run.parsed, digest)
    except LoadError as exc:
        run.report.failed.append((str(file.path), str(exc).removeprefix(f"{file.path}: ")))
        return None
    except Exception as exc:  # a parser's own failure (a missing optional library, a bug): this file fails, not the run
        run.report.failed.append((str(file.path), f"cannot be read ({type(exc).__name__}: {exc})"))
        return None
    original = run.owner.get(loaded.content_hash, file.source)
    if original != file.source:  # the same bytes under another name are one document, not two
        run.report.duplicates.append((file.source, original))
        if previous:  # a document of its own until it became a copy: it goes, its original stays
            run.index.delete_article(file.source)
            run.report.pruned.append(file.source)
        return None
    article = build_article(loaded)
    try:
        chunks = chunk_article(article, run.chunk_size, run.chunk_overlap, run.embedder.fits)
    except ValueError as exc:  # text the splitter cannot map back: this file fails, not the run
        run.report.failed.append((str(file.path), f"cannot be chunked: {exc}"))
        return None
    return _Prepared(article, chunks, updated=bool(previous))


def _write(batch: list[_Prepared], index: Index, embedder: Embedder, report: IngestReport,
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


def name_clashes(files: list[SourceFile], known: dict[str, tuple[str, str]]) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """The files that may be indexed under their name, and (file, reason) for those whose name an
    article from another file already has: in the index (while that file exists; a file that is
    gone has moved) or earlier in this run. A clash is reported, never resolved by replacing."""
    keep, clashes, claimed = [], [], {}
    for f in files:
        stored = known.get(f.source)
        origin = Path(stored[1]) / f.source if stored and stored[1] else None
        if f.source in claimed:
            clashes.append((str(f.path), f"has the same name ({f.source}) as {claimed[f.source]} in this ingest; "
                                         "rename one of them"))
        elif origin is not None and origin.resolve() != f.path and origin.exists():
            clashes.append((str(f.path), f"an article named {f.source!r} is already indexed from {origin}; "
                                         f"rename this file, or `rag delete {f.source}` first to replace it"))
        else:
            claimed[f.source] = f.path
            keep.append(f)
    return keep, clashes


def owners(current: dict[str, str | None], known: dict[str, tuple[str, str]]) -> dict[str, str]:
    """content hash -> the one source that holds it: a file already indexed with that content
    (in this run unchanged, or not part of this run), else the first name in order. Decided
    before any file is written, so an edit to one copy never leaves another copy unindexed."""
    out: dict[str, str] = {}
    for source, digest in current.items():
        if digest and known.get(source, ("",))[0] == digest:
            out.setdefault(digest, source)
    for source, (digest, _) in sorted(known.items()):
        if source not in current:
            out.setdefault(digest, source)
    for source, digest in sorted(current.items()):
        if digest:
            out.setdefault(digest, source)
    return out



def embed_missing(chunks: list[Chunk], index: Index, embedder: Embedder) -> tuple[np.ndarray, int]:
    """Vectors for `chunks`, reusing those the index already holds (ids derive from text)."""
    if not chunks:
        return np.zeros((0, 0), dtype=np.float32), 0
    stored = index.vectors_for(list(dict.fromkeys(c.id for c in chunks)))
    todo = list({c.id: c for c in chunks if c.id not in stored}.values())
    fresh = dict(zip((c.id for c in todo), embedder.encode([c.text for c in todo])))
    return np.stack([stored.get(c.id, fresh.get(c.id)) for c in chunks]), len(todo)


def prune_missing(index: Index, roots: set[str], known: dict[str, tuple[str, str]], follow_links: bool = False) -> list[str]:
    """Remove articles ingested from `roots` whose files no longer exist, or (unless links are
    followed) are reached through a symbolic link: one indexed before links were refused goes too."""
    def missing(path: Path) -> bool:  # roots are resolved: a path through a link resolves elsewhere
        return not path.exists() or (not follow_links and path.resolve() != path)
    gone = [src for src, (_, root) in known.items() if root in roots and missing(Path(root) / src)]
    for source in gone:
        index.delete_article(source)
    return gone
