"""Open an index in a child process and touch every part Chroma loads lazily.

A truncated or half-flushed vector segment makes Chroma's native loader crash the whole process
(SIGSEGV, chroma issue #7238) instead of raising, so the question "can this index be opened?" is
asked of a child that may die. `python -m rag.index.probe INDEX_DIR COLLECTION` exits 0 when it can.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from rag.index.manifest import collection_names

PROBE_TIMEOUT_S = 300


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    detail: str  # what failed, in a line; empty when ok


def probe(index_dir: Path, collection: str) -> ProbeResult:
    """Open the index at `index_dir` in a child process: count, read vectors and query each collection."""
    try:
        done = subprocess.run([sys.executable, "-m", "rag.index.probe", str(index_dir), collection],
                              capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return ProbeResult(False, f"opening it did not finish in {PROBE_TIMEOUT_S} s")
    if done.returncode == 0:
        return ProbeResult(True, "")
    if done.returncode < 0:
        return ProbeResult(False, f"opening it crashed the process (signal {-done.returncode}): "
                                  "its vector files are damaged")
    lines = [line for line in done.stdout.splitlines() + done.stderr.splitlines() if line.strip()]
    return ProbeResult(False, lines[-1] if lines else f"exit status {done.returncode}")


def _touch(index_dir: str, collection: str) -> None:
    import chromadb

    client = chromadb.PersistentClient(path=index_dir, settings=chromadb.Settings(anonymized_telemetry=False))
    names = {c.name for c in client.list_collections()}
    for name in collection_names(collection):
        if name not in names:
            continue
        col = client.get_collection(name, embedding_function=None)
        if col.count():
            got = col.get(limit=1, include=["embeddings"])
            col.query(query_embeddings=[got["embeddings"][0]], n_results=1, include=[])


if __name__ == "__main__":
    try:
        _touch(sys.argv[1], sys.argv[2])
    except Exception as exc:  # reported by the parent in one line
        print(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        sys.exit(1)
