"""Ingest: load -> clean -> chunk -> embed -> index, idempotent and safe to interrupt."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

from rag.embed import Embedder
from rag.errors import LoadError
from rag.index import Index
from rag.ingest.ahead import Ahead
from rag.ingest.chunk import chunk_article
from rag.ingest.collect import RowOptions, ingest_collection, plan
from rag.ingest.collections import is_collection, row_of
from rag.ingest.load import SourceFile, file_digest, load_file
from rag.ingest.metadata import build_article
from rag.ingest.parts import Part
from rag.ingest.walk import discover
from rag.ingest.writer import IngestReport, Prepared, Progress, Run, Writer


def ingest_paths(paths: list[Path], index: Index, embedder: Embedder, chunk_size: int, chunk_overlap: int,
                 max_bytes: int, prune: bool = False, progress: Progress | None = None,
                 on_start: Callable[[int], None] | None = None, follow_links: bool = False,
                 ahead: Ahead | None = None, rows: RowOptions | None = None, part: Part = Part()) -> IngestReport:
    """Ingest files and folders into an opened index, chunked to `chunk_size` tokens; files over
    `max_bytes` and other unusable files are reported, never fatal. Symbolic links inside the
    folders are refused unless `follow_links` (and then only those that stay inside the paths named).
    `ahead`: the files' hashes and parses, done before the write lock was taken (rag.ingest.ahead).
    Article collections (.jsonl, .csv: rag.ingest.collect) are checked before anything is written,
    read with `rows` (their field map; the disk left for the index), then indexed a row at a time.
    With `part`, only the files and rows of that part are written or pruned (rag.ingest.parts)."""
    report, rows = IngestReport(), rows or RowOptions()
    found, missing = discover(paths, follow_links, report.other_types)
    report.failed += [(str(p), reason) for p, reason in missing]
    known = index.article_hashes()
    files = [f for f in found if not is_collection(f.path) and part.holds(f.source)]
    files, clashing = name_clashes(files, known)
    report.failed += clashing
    ahead = ahead or Ahead()
    run = Run(chunk_size, chunk_overlap, max_bytes, index, embedder, known, {}, report, ahead.parsed, part)
    named = {p.expanduser().absolute().resolve() for p in paths if p.is_file()}
    tables = plan([f for f in found if is_collection(f.path)], named, run, rows)
    if on_start:
        on_start(len(files) + sum(t.survey.rows + t.survey.failed for t in tables))
    if prune:  # first, so that a copy of a removed file is indexed in its place
        roots = {str(p.expanduser().absolute().resolve()) for p in paths if p.is_dir()}
        report.pruned = prune_missing(index, roots, {s: v for s, v in known.items() if part.holds(s)}, follow_links)
        known = {src: v for src, v in known.items() if src not in report.pruned}
    digests = {f.source: ahead.digest(f) or file_digest(f.path, max_bytes, f.linked) for f in files}
    run = replace(run, known=known, owner=owners(digests, known))
    writer = Writer(index, embedder, report, progress)
    for file in files:
        prepared = _prepare(file, digests[file.source], run)
        if prepared is None:
            writer.done(file.source)
        else:
            writer.add(prepared)
    for table in tables:
        ingest_collection(table, run, writer)
    writer.flush()
    return report


def _prepare(file: SourceFile, digest: str | None, run: Run) -> Prepared | None:
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
    return Prepared(article, chunks, updated=bool(previous))


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



def prune_missing(index: Index, roots: set[str], known: dict[str, tuple[str, str]], follow_links: bool = False) -> list[str]:
    """Remove articles ingested from `roots` whose files no longer exist, or (unless links are
    followed) are reached through a symbolic link: one indexed before links were refused goes too."""
    def missing(path: Path) -> bool:  # roots are resolved: a path through a link resolves elsewhere
        return not path.exists() or (not follow_links and path.resolve() != path)
    gone = [src for src, (_, root) in known.items() if root in roots and missing(_file_of(Path(root), src))]
    for source in gone:
        index.delete_article(source)
    return gone


def _file_of(root: Path, source: str) -> Path:
    """The file an article came from: a collection's row (FILE#ID) from its collection."""
    row = row_of(source)
    return root / row[0] if row and not (root / source).exists() else root / source
