"""Article collections in an ingest: each is read once to check it (rag.ingest.collections reads the
rows) before anything is written, then again to index its new and changed rows, each an article
named FILE#ID; the rows it no longer holds are pruned. Side effects: the index, through a Writer."""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.errors import InputError, LoadError
from rag.ingest.chunk import chunk_article
from rag.ingest.collections import row_of, rows_in
from rag.ingest.load import SourceFile
from rag.ingest.metadata import article_of
from rag.ingest.rowfields import Item, Row, RowFailure
from rag.ingest.writer import Prepared, Run, Writer
from rag.lexicon.dates import read_date
from rag.records import Article

# What a row costs in the index (Chroma's rows, vectors and full-text index, the article record, BM25):
# about 3.2 kB and 20 bytes a character of its text, measured with scripts/bench_collection.py on 10,000
# rows of 780 characters (18.7 kB a row) and 2,000 of 3,200 (67 kB); reckoned at twice that, to spare.
INDEX_BYTES_PER_ROW = 2 * 3_200
INDEX_BYTES_PER_CHAR = 2 * 20


@dataclass(frozen=True)
class RowOptions:
    fields: Mapping[str, str] = field(default_factory=dict)  # field -> its column (rag.settings.field_map)
    room: int | None = None  # bytes free where the index is written; None: not known (a server, memory)
    recorded: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # path -> the --fields it was ingested with

    def fields_for(self, path: Path) -> Mapping[str, str]:
        """A collection's columns: those recorded for it (or the nearest folder above it), under the
        setting and the --fields given now."""
        nearest = next((self.recorded[str(p)] for p in (path, *path.parents) if str(p) in self.recorded), {})
        return {**nearest, **self.fields}


@dataclass(frozen=True)
class Survey:
    """A collection read once, before any writing: its rows, and what indexing it would add."""
    rows: int = 0
    failed: int = 0
    new_rows: int = 0  # rows whose content the index does not hold under their name
    new_chars: int = 0
    undated: int = 0  # rows whose date cannot be read
    elsewhere: int = 0  # rows of other parts of a split ingest (rag.ingest.parts)
    problem: str | None = None  # why the collection as a whole cannot be read
    kind: str | None = None  # of the problem: empty | no-text | header | unreadable

    @property
    def need(self) -> int:
        """Bytes of index the new rows are likely to take."""
        return self.new_rows * INDEX_BYTES_PER_ROW + self.new_chars * INDEX_BYTES_PER_CHAR


def survey(items: Iterable[Item], stored: Callable[[str], str | None] = lambda _id: None,
           mine: Callable[[Item], bool] = lambda _item: True) -> Survey:
    """Count a collection's rows; `stored` gives the content hash the index holds for a row's id, and
    rows not `mine` (another part's) are only counted as there."""
    counts = dict.fromkeys(("rows", "failed", "new_rows", "new_chars", "undated", "elsewhere"), 0)
    first: RowFailure | None = None
    for item in items:
        if not mine(item):
            counts["elsewhere"] += 1
        elif isinstance(item, RowFailure):
            counts["failed"] += 1
            first = first or item
            continue
        counts["rows"] += 1
        counts["undated"] += bool(item.date and read_date(item.date) is None)
        if stored(item.id) != item.digest:
            counts["new_rows"] += 1
            counts["new_chars"] += len(item.text)
    if not counts["rows"] and not counts["failed"] and not counts["elsewhere"]:
        return Survey(**counts, problem="an empty collection: no rows", kind="empty")
    if not counts["rows"] and not counts["elsewhere"] and first is not None and first.kind != "row":  # no text anywhere, or no header
        return Survey(**counts, problem=first.reason, kind=first.kind)
    return Survey(**counts)


@dataclass(frozen=True)
class Planned:
    file: SourceFile
    survey: Survey
    stored: tuple[str, ...]  # the sources of its rows the index holds
    fields: Mapping[str, str] = field(default_factory=dict)  # its columns (RowOptions.fields_for)


def plan(tables: list[SourceFile], named: set[Path], run: Run, options: RowOptions) -> list[Planned]:
    """The collections to index, each surveyed; a collection named on the command line that cannot be
    read as one is refused (InputError), one in a folder is reported. InputError too when the new rows
    need more disk than is left: either way before anything is written, so the index stays as it was."""
    stored = stored_rows(run.known)
    planned = []
    for file in clashes(tables, stored, run):
        try:
            found = survey(rows_in(file.path, options.fields_for(file.path)), _stored_hash(run.known, f"{file.source}#"),
                           lambda item: run.part.holds(row_key(file.source, item)))
        except LoadError as exc:
            found = Survey(problem=str(exc).removeprefix(f"{file.path}: "), kind="unreadable")
        if found.problem and file.path in named:
            raise InputError(f"{file.path}: {found.problem}")
        if found.problem:
            (run.report.not_collections if found.kind == "no-text" else run.report.failed).append(
                (str(file.path), found.problem))
            continue
        planned.append(Planned(file, found, tuple(stored.get(file.source, ())), options.fields_for(file.path)))
    check_room(planned, options.room)
    return planned


def row_key(collection: str, item: Item) -> str:
    """What decides a row's part: its name FILE#ID, or FILE:LINE for a row without one."""
    return f"{collection}#{item.id}" if item.id else f"{collection}:{item.line}"


def _stored_hash(known: Mapping[str, tuple[str, str]], prefix: str) -> Callable[[str], str | None]:
    return lambda row_id: known.get(prefix + row_id, ("",))[0] or None


def check_room(planned: list[Planned], room: int | None) -> None:
    need = sum(p.survey.need for p in planned)
    if room is not None and need > room:
        rows = sum(p.survey.new_rows for p in planned)
        names = ", ".join(str(p.file.path) for p in planned if p.survey.new_rows)
        raise InputError(f"{names}: {rows:,} new or changed rows need about {_size(need)} of index, more than the "
                         f"{_size(room)} free on the disk that holds it; free some space (nothing was written)")


def _size(n: int) -> str:
    """"51.2 kB", "3.4 MB", "12.0 GB"."""
    scale, unit = next((s, u) for s, u in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")) if n >= s or u == "kB")
    return f"{n / scale:,.1f} {unit}"


def free_space(index_dir: Path) -> int:
    """Bytes free on the disk an index folder is (or will be) on."""
    folder = index_dir.expanduser().absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def stored_rows(known: Mapping[str, tuple[str, str]]) -> dict[str, list[str]]:
    """collection source -> the sources of its rows the index holds."""
    out: dict[str, list[str]] = defaultdict(list)
    for source in known:
        if (row := row_of(source)) is not None:
            out[row[0]].append(source)
    return out


def clashes(tables: list[SourceFile], stored: Mapping[str, list[str]], run: Run) -> list[SourceFile]:
    """The collections whose rows may take their names; the others are reported: one whose name a
    collection from another folder has (while that one exists; one that is gone has moved), or
    another collection of this run has."""
    keep, claimed = [], {}
    for f in tables:
        roots = {run.known[s][1] for s in stored.get(f.source, ())} - {str(f.root), ""}
        origin = next((Path(r) / f.source for r in sorted(roots) if (Path(r) / f.source).is_file()), None)
        if f.source in claimed:
            run.report.failed.append((str(f.path), f"has the same name ({f.source}) as {claimed[f.source]} in this "
                                                   "ingest, and so would its rows; rename one of them"))
        elif origin is not None and origin.resolve() != f.path:
            run.report.failed.append((str(f.path), f"the rows of {origin} are indexed as {f.source}#…; rename this "
                                                   "file, or move that one away and ingest this again"))
        else:
            claimed[f.source] = f.path
            keep.append(f)
    return keep


def ingest_collection(planned: Planned, run: Run, writer: Writer) -> None:
    """Index a collection's new and changed rows, and prune the rows the index holds that it no longer
    has; a row that cannot be read is named FILE:LINE with its reason (its stored version, if any, stays)."""
    file, report = planned.file, run.report
    left = {s for s in planned.stored if run.part.holds(s)}  # the rows stored from it: those not met again go
    try:
        _rows(file, run, writer, planned.fields, left)
    except LoadError as exc:  # gone since it was surveyed: what it held stays until it is read whole
        report.failed.append((str(file.path), str(exc).removeprefix(f"{file.path}: ")))
        return
    if planned.survey.undated:
        report.undated[str(file.path)] += planned.survey.undated
    for source in sorted(left):
        run.index.delete_article(source)
        report.pruned.append(source)


def _rows(file: SourceFile, run: Run, writer: Writer, fields: Mapping[str, str], left: set) -> None:
    seen, owner = set(), {}
    for item in rows_in(file.path, fields):
        if not run.part.holds(row_key(file.source, item)):
            continue  # another part's, written by another process
        source = f"{file.source}#{item.id}"
        if isinstance(item, Row) and item.id in seen:
            item = RowFailure(item.line, f"its id {item.id!r} is an earlier row's too: ids must differ")
        if isinstance(item, RowFailure):
            run.report.failed.append((f"{file.path}:{item.line}", item.reason))
            left.discard(source if item.id else "")
            writer.done(f"{file.source}:{item.line}")
            continue
        seen.add(item.id)
        left.discard(source)
        _row(item, source, file, run, writer, owner, left)


def _row(row: Row, source: str, file: SourceFile, run: Run, writer: Writer, owner: dict, left: set) -> None:
    """One readable row: unchanged, a copy of an earlier row (its stored self, if any, to be pruned), or
    an article to write."""
    previous, digest = run.known.get(source), row.digest
    original = owner.setdefault(bytes.fromhex(digest[:32]), source)  # rows of one content: the first is indexed
    if original != source:
        run.report.duplicates.append((source, original))
        left.update([source] if previous else [])
    elif previous and previous[0] == digest:
        run.report.unchanged.append(source)  # nothing to build, embed or write
    else:
        article = row_article(row, source, str(file.root))
        try:
            chunks = chunk_article(article, run.chunk_size, run.chunk_overlap, run.embedder.fits)
        except ValueError as exc:
            run.report.failed.append((f"{file.path}:{row.line}", f"cannot be chunked: {exc}"))
        else:
            writer.add(Prepared(article, chunks, updated=bool(previous)))
            return
    writer.done(source)


def row_article(row: Row, source: str, root: str) -> Article:
    """A row as an Article, its text under its title (as a file's is under its headline). A date the row
    gives dates it, or leaves it undated when it cannot be read; a row without one is dated by its text."""
    starts = bool(row.title) and row.text.lstrip().startswith(row.title or "")
    text = row.text if not row.title or starts else f"{row.title}\n\n{row.text}"
    meta = {k: v for k, v in (("title", row.title), ("publisher", row.outlet)) if v}
    article = replace(article_of(text, meta, source, root, row.digest, source), url=row.url)
    if row.date is None:
        return article
    when = read_date(row.date)
    return replace(article, date=when.iso if when else None, date_precision=when.precision if when else None,
                   date_evidence="row" if when else None)
