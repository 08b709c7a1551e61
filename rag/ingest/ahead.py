"""Parse ahead of the write lock: an ingest reads, hashes and parses its files first.

The write lock keeps every other writer out (an upload in the web chat, a second `rag ingest`), and
parsing is the slow part of an ingest: a big HTML page takes seconds. So the files are read and
parsed before the lock is taken, and the ingest under the lock reuses each hash (while the file's
size and modification time are unchanged) and each parse (by content hash): a file is read and
hashed once. Whatever the ingest then decides (another process may have written meanwhile), a
parse of the same bytes holds; a file edited in between is read again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import LoadError
from rag.ingest.collections import is_collection
from rag.ingest.load import SourceFile, read_bytes
from rag.ingest.readers import content_hash, kind_of, parse

PARSE_AHEAD_CHARS = 50_000_000  # text kept between the two phases; files past it are parsed under the lock


@dataclass
class Ahead:
    parsed: dict = field(default_factory=dict)  # (content hash, kind) -> (text, meta), or why not
    hashes: dict[Path, tuple[tuple, str]] = field(default_factory=dict)  # path -> (its stat then, content hash)

    def digest(self, file: SourceFile) -> str | None:
        """The content hash read ahead, while the file is as it was then; else None."""
        known = self.hashes.get(file.path)
        return known[1] if known and known[0] == _signature(file.path) else None


def _signature(path: Path) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def parse_ahead(files: list[SourceFile], known: Mapping[str, tuple[str, str]], max_bytes: int,
                reading: Callable[[str], None] | None = None) -> Ahead:
    """Each file's hash, and the parse of each whose bytes differ from its stored article (`known`:
    source -> (hash, root)), or the reason it cannot be parsed; `reading` is told each file parsed.
    Files refused before parsing (too big, unreadable) are left to the ingest, which names them."""
    ahead, kept = Ahead(), 0
    for file in files:
        if is_collection(file.path):  # read a row at a time under the lock, never whole (rag.ingest.collect)
            continue
        signature = _signature(file.path)
        try:
            kind = kind_of(file.path)
            data = read_bytes(file.path, max_bytes, follow=file.linked)
        except LoadError:
            continue
        key = (content_hash(data), kind)
        ahead.hashes[file.path] = (signature, key[0])
        if key[0] == known.get(file.source, ("",))[0] or key in ahead.parsed or kept > PARSE_AHEAD_CHARS:
            continue
        if reading:
            reading(file.source)
        kept += _parse_into(ahead.parsed, key, data, file)
    return ahead


def _parse_into(parsed: dict, key: tuple[str, str], data: bytes, file: SourceFile) -> int:
    """Parse into `parsed`; the characters kept."""
    try:
        parsed[key] = parse(data, key[1], file.path)
        return len(parsed[key][0])
    except LoadError as exc:
        parsed[key] = str(exc).removeprefix(f"{file.path}: ")
    except Exception:  # a parser's own failure: the ingest meets it again and names the file
        pass
    return 0
