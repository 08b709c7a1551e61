"""Article collections: a .jsonl or .csv file that holds one article a row (a news API's export, a
scraped collection, a research dataset). Rows are read one at a time, never the whole file: memory
stays bounded by the longest line allowed, however many rows there are. Side effects: none (reads).

A row gives an id, title, date, outlet, url and text, each under one of its common names (`body`
or `content` for the text, `headline` for the title, `publishedAt` for the date...) or the name a
field map gives (`--fields text=body`). What cannot be read is a RowFailure naming its line.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from rag.errors import LoadError
from rag.ingest.rowfields import FIELD_CHARS, Item, Names, RowFailure, make_row

SUFFIXES = {".jsonl": "jsonl", ".csv": "csv"}  # suffix -> the reader's name in rag.ingest.readers
LINE_BYTES = 16_000_000  # a JSON line longer than this is refused unread (a field over FIELD_CHARS is named)
# The csv module has one limit for the whole process (its default, 131,072, is below FIELD_CHARS);
# `rag batch`'s question files share it. A field past it stops the parse and names its line.
csv.field_size_limit(FIELD_CHARS)


def is_collection(path: Path | str) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


def whole_file(data: bytes) -> tuple[str, dict[str, str]]:
    """The reader registry's parser for collections: a collection is never one article."""
    raise LoadError("an article collection is read a row at a time, not as one article")


_ROW_SOURCE = re.compile(r"(.+?\.(?:jsonl|csv))#(.+)", re.I | re.S)


def row_of(source: str) -> tuple[str, str] | None:
    """(collection, id) of an article named FILE#ID, else None: `news.jsonl#a17` -> ('news.jsonl', 'a17')."""
    m = _ROW_SOURCE.fullmatch(source)
    return (m.group(1), m.group(2)) if m else None


def read_rows(fh: BinaryIO, kind: str, fields: Mapping[str, str] | None = None) -> Iterator[Item]:
    """The rows of a collection opened in binary, in order; `kind` is jsonl or csv, `fields` maps a
    field (rag.settings.ROW_FIELDS) to its column's name."""
    names = Names(fields or {})
    return _jsonl(fh, names) if kind == "jsonl" else _csv(fh, names)


def rows_in(path: Path, fields: Mapping[str, str] | None = None) -> Iterator[Item]:
    """read_rows of a collection file; LoadError names it when it cannot be opened."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with fh:
        yield from read_rows(fh, SUFFIXES[path.suffix.lower()], fields)


def _jsonl(fh: BinaryIO, names: Names) -> Iterator[Item]:
    for n, line in _lines(fh):
        if line is None:
            yield RowFailure(n, f"a line over {LINE_BYTES:,} bytes, not read", str(n))
        elif line.strip():
            yield _json_row(line.removeprefix(b"\xef\xbb\xbf") if n == 1 else line, n, names)


def _json_row(line: bytes, n: int, names: Names) -> Item:
    try:
        obj = json.loads(line)
    except UnicodeDecodeError as exc:
        return RowFailure(n, f"not UTF-8 text ({exc.reason})", str(n))
    except ValueError as exc:
        return RowFailure(n, f"not valid JSON ({getattr(exc, 'msg', exc)})", str(n))
    if not isinstance(obj, dict):
        return RowFailure(n, f"not a JSON object (a {type(obj).__name__})", str(n))
    return make_row({k: v for k, v in obj.items() if isinstance(k, str)}, n, str(n), names)


def _lines(fh: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) with None for a line over LINE_BYTES, whose rest is skipped unkept."""
    n = 0
    while line := fh.readline(LINE_BYTES + 1):
        n += 1
        if len(line) > LINE_BYTES:
            while line and not line.endswith(b"\n"):
                line = fh.readline(1 << 20)
            yield n, None
        else:
            yield n, line


def _csv(fh: BinaryIO, names: Names) -> Iterator[Item]:
    lines = _CsvLines(fh)
    reader = csv.reader(lines)
    header = _record(reader, lines)
    if isinstance(header, RowFailure) or header is None:
        if header is not None:
            yield RowFailure(1, f"cannot read the CSV header ({header.reason})", kind="header")
        return
    columns = [c.strip() for c in header]
    if "text" not in names.of(columns):
        yield RowFailure(1, f"no text column (looked for {names.looked_for('text')}; its columns: "
                            f"{', '.join(columns[:30]) or 'none'}): name it with --fields text=COLUMN", kind="no-text")
        return
    number = 0
    while (cells := _record(reader, lines)) is not None:
        if isinstance(cells, RowFailure) or any(c.strip() for c in cells):
            number += 1  # a row that cannot be read keeps its number: the rows after it keep their names
        if isinstance(cells, RowFailure):
            yield RowFailure(cells.line, f"cannot read this CSV row ({cells.reason})", str(number))
        elif any(c.strip() for c in cells):
            yield make_row(_by_column(columns, cells), lines.started, str(number), names)


def _by_column(columns: list[str], cells: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for column, cell in zip(columns, cells):
        out.setdefault(column, cell)  # a column named twice: the first
    return out


def _record(reader, lines: _CsvLines) -> list[str] | RowFailure | None:
    """The next record's cells, a RowFailure saying why it cannot be read (its rest skipped), None at the end."""
    lines.start()
    try:
        return next(reader)
    except StopIteration:
        return None
    except (csv.Error, _Unreadable) as exc:
        lines.resync()
        said = f"a field over {FIELD_CHARS:,} characters, the most a field may hold" \
            if "field limit" in str(exc) else str(exc)
        return RowFailure(lines.started, said)


class _Unreadable(Exception):
    """A line of a CSV file that is not UTF-8 or is over LINE_BYTES (raised through the csv reader)."""


class _CsvLines:
    """A CSV file's lines as text for csv.reader, each read with a bound, counting the quotes of the
    record being read: after an unreadable record, the lines up to its closing quote are skipped too."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.count, self.started, self.quotes = fh, 0, 1, 0

    def __iter__(self) -> _CsvLines:
        return self

    def start(self) -> None:
        self.started, self.quotes = self.count + 1, 0

    def resync(self) -> None:
        while self.quotes % 2 and self._raw() is not None:
            pass

    def __next__(self) -> str:
        line = self._raw()
        if line is None:
            raise StopIteration
        if len(line) > LINE_BYTES:
            raise _Unreadable(f"a line over {LINE_BYTES:,} bytes")
        try:
            return line.decode("utf-8-sig" if self.count == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise _Unreadable(f"not UTF-8 text: {exc.reason}") from None

    def _raw(self) -> bytes | None:
        """The next physical line (a long one's first LINE_BYTES + 1 bytes, its rest skipped), or None."""
        line = self.fh.readline(LINE_BYTES + 1)
        if not line:
            return None
        self.count += 1
        self.quotes += line.count(b'"')
        rest = line if len(line) > LINE_BYTES else b"\n"
        while rest and not rest.endswith(b"\n"):
            rest = self.fh.readline(1 << 20)
            self.quotes += rest.count(b'"')
        return line
