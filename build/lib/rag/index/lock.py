"""One writer per local index, and a note of whether the last writer finished.

Chroma is not process-safe for writers (a second client can hang for minutes), so every write
takes an flock on `.rag-write.lock` first. While held, the file says who is writing; a writer that
finishes empties it. A writer killed mid-way leaves its note behind (the kernel drops the flock),
which is how the next process knows the index may hold half a write.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rag.errors import IndexBusyError

LOCK_NAME = ".rag-write.lock"


class WriteLock:
    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / LOCK_NAME

    @contextmanager
    def hold(self) -> Iterator[bool]:
        """Take the lock or raise IndexBusyError within a second; yields True when the previous writer
        was interrupted. The note is cleared only when the block ends without an error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+") as fh:
            if not _take(fh):
                raise IndexBusyError(
                    f"the index at {self.path.parent} is busy: another process ({self._note(fh) or 'unknown'}) "
                    "is writing to it; try again when it finishes"
                )
            interrupted = bool(self._note(fh))
            self._write(fh, f"ingest by pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
            try:
                yield interrupted
                self._write(fh, "")
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def interrupted(self) -> str | None:
        """The note of a writer that died mid-write, or None (no note, or its writer is still at work)."""
        try:
            with open(self.path, "r") as fh:
                note = self._note(fh)
                if not note:
                    return None
                try:
                    fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return None  # a live writer: its note is not stale
                fcntl.flock(fh, fcntl.LOCK_UN)
                return note
        except FileNotFoundError:
            return None

    @staticmethod
    def _note(fh) -> str:
        fh.seek(0)
        return fh.read().strip()

    @staticmethod
    def _write(fh, note: str) -> None:
        fh.seek(0)
        fh.truncate()
        fh.write(note)
        fh.flush()
        os.fsync(fh.fileno())


def _take(fh, patience_s: float = 1.0) -> bool:
    """Take the exclusive lock, retrying for `patience_s`: a reader checking for a stale note holds
    a shared lock for microseconds, and that must not read as a busy index."""
    deadline = time.monotonic() + patience_s
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
