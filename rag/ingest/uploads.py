"""Uploaded articles: safe names, content checked by the same loaders as ingestion, kept in upload_dir."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rag.errors import LoadError, RagError
from rag.index import Index
from rag.ingest.collect import survey
from rag.ingest.collections import is_collection, read_rows, row_of
from rag.ingest.load import read_bytes
from rag.ingest.readers import listing, parse, suffixes
from rag.ingest.writer import IngestReport
from rag.records import Article
from rag.settings import Settings, field_map


def safe_name(name: str) -> str:
    """A plain file name: no folders, no traversal, no control or odd characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", name or ""))[-1]
    base = re.sub(r"[^\w.-]+", "_", base, flags=re.ASCII).strip("._") or "upload"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    return f"{stem[:100] or 'upload'}.{suffix.lower()}" if suffix else stem[:100]


def accept_upload(temp: Path, original_name: str, upload_dir: Path, max_bytes: int,
                  taken: frozenset[str] = frozenset(), fields: Mapping[str, str] | None = None) -> Path:
    """Check an upload by its content and keep it under a name no article from elsewhere has
    (`taken`); LoadError names the file (as uploaded) and why. The check is the parse the ingest
    then reuses (rag.ingest.readers.parse): an upload is parsed once. A collection (.jsonl, .csv) is
    read through, with the columns `fields` names: one with no rows or no text is refused."""
    name = safe_name(original_name)
    kind = suffixes().get(Path(name).suffix.lower())
    if kind is None:
        raise LoadError(f"{name}: unsupported file type (use {listing()})")
    try:
        data = read_bytes(temp, max_bytes)
    except LoadError as exc:
        raise LoadError(f"{name}: {str(exc).removeprefix(f'{temp}: ')}") from None
    if is_collection(name):
        found = survey(read_rows(io.BytesIO(data), kind, fields))
        if found.problem:
            raise LoadError(f"{name}: {found.problem}")
    else:
        parse(data, kind, name, keep=True)
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = _free_target(upload_dir, name, data, taken)
    if not target.exists():  # else it holds these bytes already
        with open(target, "xb") as fh:  # O_EXCL: never through a link that appeared since _free_target looked
            fh.write(data)
    return target


@dataclass(frozen=True)
class UploadReport:
    indexed: list[str]  # names as stored in the index
    already: list[str]  # "name: same content as 'x'" for uploads the index already holds
    refused: list[str]  # "name: reason"; nothing refused is stored


class Ingests(Protocol):
    """What an upload needs of the façade (rag.service.Rag)."""

    settings: Settings
    index: Index

    def ingest(self, paths: list[Path], *, progress: Callable[[str], None] | None = None,
               on_start: Callable[[int], None] | None = None) -> IngestReport: ...

    def article(self, source: str) -> Article | None: ...


def ingest_uploads(rag: Ingests, uploads: list[tuple[Path, str]], progress: Callable[[str], None] | None = None,
                   on_start: Callable[[int], None] | None = None) -> UploadReport:
    """Check, keep and index uploaded files given as (temporary path, name as uploaded), in one
    ingest (one index revision, one BM25 update)."""
    settings = rag.settings
    kept: dict[str, tuple[Path, str]] = {}  # resolved kept path, as ingest reports it -> (path, name as uploaded)
    refused = []
    here = str(settings.upload_dir.resolve())
    stored = rag.index.article_hashes() if rag.index.manifest() else {}
    taken = frozenset(name for src, (_, root) in stored.items() if root != here for name in _names(src))
    for temp, original in uploads:
        try:
            path = accept_upload(temp, original, settings.upload_dir, settings.max_file_bytes, taken,
                                 field_map(settings.collection_fields))
            kept[str(path.resolve())] = (path, original)
        except RagError as exc:
            refused.append(str(exc))
    if not kept:
        return UploadReport([], [], refused)
    try:
        report = rag.ingest([path for path, _ in kept.values()], progress=progress, on_start=on_start)
    except RagError as exc:  # e.g. busy: what was kept for this ingest alone must not be indexed later by surprise
        held = {name for src in (rag.index.article_hashes() if rag.index.manifest() else {}) for name in _names(src)}
        for path, _ in kept.values():
            if path.name not in held:
                path.unlink(missing_ok=True)
        return UploadReport([], [], refused + [str(exc)])
    refused.extend(f"{safe_name(kept[file][1])}: {reason}" for file, reason in report.failed if file in kept)
    for key, (_, original) in [(k, v) for k, v in kept.items() if is_collection(v[0])]:  # its rows: FILE:LINE
        refused.extend(f"{safe_name(original)}:{at.removeprefix(key + ':')}: {reason}"
                       for at, reason in report.failed if at.startswith(key + ":"))
    return UploadReport(*_indexed_or_already(kept, report), refused)


def _names(source: str) -> tuple[str, ...]:
    """The names an article holds: its own, and a collection's row (FILE#ID) its collection's too."""
    row = row_of(source)
    return (source, row[0]) if row else (source,)


def _indexed_or_already(kept: dict[str, tuple[Path, str]], report: IngestReport) -> tuple[list[str], list[str]]:
    """Split the kept uploads into newly indexed and already indexed; a copy of another indexed
    article is not kept (it was stored only long enough to be compared)."""
    failed = {file for file, _ in report.failed}
    copies = {**{name: name for name in report.unchanged}, **dict(report.duplicates)}
    indexed, already = [], []
    for key, (path, original) in kept.items():
        if is_collection(path):
            _rows_of(path, original, report, indexed, already)
        elif path.name in copies:
            if copies[path.name] != path.name:
                path.unlink(missing_ok=True)
            already.append(f"{safe_name(original)}: same content as {copies[path.name]!r}")
        elif key not in failed:
            indexed.append(path.name)
    return indexed, already


def _rows_of(path: Path, original: str, report: IngestReport, indexed: list[str], already: list[str]) -> None:
    """An uploaded collection as the upload report says it: "news.jsonl (120 rows)" indexed, or already."""
    def count(sources) -> int:
        return sum(1 for s in sources if s.startswith(f"{path.name}#"))
    new, held = count(report.added + report.updated), count(report.unchanged)
    if new:
        indexed.append(f"{path.name} ({new} row{'s' * (new != 1)})")
    elif held:
        already.append(f"{safe_name(original)}: {held} row{'s' * (held != 1)}, indexed already")


def _free_target(folder: Path, name: str, data: bytes, taken: frozenset[str]) -> Path:
    """`name` in `folder`, or name-2, name-3... when another file, or an article from elsewhere
    (uploads have their own names: they never replace an ingested article), has that name. A
    symbolic link or anything but a regular file holds its name: an upload is never written through it."""
    target, n = folder / name, 1
    while target.name in taken or target.is_symlink() or (
            target.exists() and (not target.is_file() or target.read_bytes() != data)):
        n += 1
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
    return target
