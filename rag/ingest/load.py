"""Load: turn each article file into plain text (rag.ingest.walk finds them). Side effects: disk only."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import LoadError
from rag.ingest.readers import content_hash, kind_of, parse


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    root: Path  # absolute folder the user named (or the file's parent)
    linked: bool = False  # reached through a symbolic link that --follow-symlinks allowed

    @property
    def source(self) -> str:
        return self.path.relative_to(self.root).as_posix()


@dataclass(frozen=True)
class LoadedFile:
    file: SourceFile
    content_hash: str
    kind: str  # the reader's name: text | html | pdf | a plug-in's
    text: str
    meta: dict[str, str] = field(default_factory=dict)  # title/date/publisher a format declares itself


def load_file(file: SourceFile, max_bytes: int, parsed: Mapping | None = None, digest: str | None = None) -> LoadedFile:
    """Read one file into text; raises LoadError naming the file and the reason. `parsed` holds
    parses done ahead (rag.ingest.ahead) by (content hash, kind); with the file's `digest` known, such
    a file is not read again, and without it, the same bytes are at least not parsed again."""
    kind = kind_of(file.path)
    parsed, data = parsed or {}, b""
    if digest is None or (digest, kind) not in parsed:  # not read ahead (or read, but changed since)
        data = read_bytes(file.path, max_bytes, follow=file.linked)
        digest = content_hash(data)
    done = parsed.get((digest, kind))
    if isinstance(done, str):
        raise LoadError(f"{file.path}: {done}")
    text, meta = done if done is not None else parse(data, kind, file.path)
    return LoadedFile(file, digest, kind, text, meta)


def file_digest(path: Path, max_bytes: int, follow: bool = True) -> str | None:
    """The content hash load_file would give this file, without parsing it; None when load_file
    would refuse it before parsing (unreadable, empty, over the limit)."""
    try:
        return content_hash(read_bytes(path, max_bytes, follow))
    except LoadError:
        return None


def read_bytes(path: Path, max_bytes: int, follow: bool = True) -> bytes:
    """A regular file's bytes (never a device or pipe; `follow=False`: never through a link);
    LoadError names the file when it is unreadable, empty or over `max_bytes`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise LoadError(f"{path}: not a regular file")
            if info.st_size > max_bytes:
                raise LoadError(f"{path}: file is {info.st_size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB "
                                "limit (setting max_file_mb)")
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise LoadError(f"{path}: empty file")
    return data
