"""Parse ahead of the write lock: an ingest reads and parses its new and changed files first.

The write lock keeps every other writer out (an upload in the web chat, a second `rag ingest`), and
parsing is the slow part of an ingest: a big HTML page takes seconds. So the files are parsed before
the lock is taken, and the ingest under the lock reuses each parse by its content hash. Whatever the
ingest then decides (another process may have written meanwhile), a parse of the same bytes holds;
a file edited in between hashes differently and is parsed again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rag.errors import LoadError
from rag.ingest.load import SourceFile, read_bytes
from rag.ingest.readers import content_hash, kind_of, parse

PARSE_AHEAD_CHARS = 50_000_000  # text kept between the two phases; files past it are parsed under the lock

Parsed = Mapping[tuple[str, str], tuple[str, dict[str, str]] | str]  # (hash, kind) -> (text, meta), or why not


def parse_ahead(files: list[SourceFile], known: Mapping[str, tuple[str, str]], max_bytes: int,
                reading: Callable[[str], None] | None = None) -> Parsed:
    """The parse of each file whose bytes differ from its stored article (`known`: source -> (hash,
    root)), or the reason it cannot be parsed; `reading` is told each file as it is parsed. Files
    refused before parsing (too big, unreadable) are left to the ingest, which names them."""
    out: dict = {}
    kept = 0
    for file in files:
        if kept > PARSE_AHEAD_CHARS:
            break
        try:
            kind = kind_of(file.path)
            data = read_bytes(file.path, max_bytes, follow=file.linked)
        except LoadError:
            continue
        key = (content_hash(data), kind)
        if key[0] == known.get(file.source, ("",))[0] or key in out:
            continue
        if reading:
            reading(file.source)
        try:
            out[key] = parse(data, kind, file.path)
            kept += len(out[key][0])
        except LoadError as exc:
            out[key] = str(exc).removeprefix(f"{file.path}: ")
        except Exception:  # a parser's own failure: the ingest meets it again and names the file
            pass
    return out
