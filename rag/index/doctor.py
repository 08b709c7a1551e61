"""The Chroma index's doctor (`rag doctor`): check it part by part, and repair it without losing
what it was built from. ChromaIndex.diagnose and ChromaIndex.repair call these functions."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from rag.errors import RagError
from rag.index.chroma import ChromaStore
from rag.index.inputs import recorded_inputs
from rag.index.keyword import Bm25Index
from rag.index.lock import WriteLock
from rag.index.manifest import mismatch
from rag.index.probe import probe
from rag.records import Finding

# Findings that mean the index cannot be used as it is: repair moves it aside and builds it again.
REBUILD = {"database", "vectors", "format"}


def diagnose(store: ChromaStore, words: Bm25Index, expected: dict) -> list[Finding]:
    """Each check in turn, against the manifest these settings would write; one that makes the later
    ones meaningless (or unsafe) ends the list."""
    place = store.place
    found: list[Finding] = []
    if not place.chroma_url:
        if not (place.index_dir / "chroma.sqlite3").is_file():
            return [Finding("index", False, f"no index at {place.index_dir}", "rag ingest FOLDER")]
        for check in (_database, _vectors):
            found.append(check(store))
            if not found[-1].ok:
                return found
    return found + _contents(store, words, expected)


def _database(store: ChromaStore) -> Finding:
    db = store.place.index_dir / "chroma.sqlite3"
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        verdict = str(exc)
    if verdict == "ok":
        return Finding("database", True, f"{db} is intact")
    return Finding("database", False, f"{db} is damaged ({verdict})", "rag doctor --repair (rebuilds it from its files)")


def _vectors(store: ChromaStore) -> Finding:
    result = probe(store.place.index_dir, store.place.collection)
    if result.ok:
        return Finding("vectors", True, "the vector index opens and answers a query")
    return Finding("vectors", False, result.detail, "rag doctor --repair (rebuilds it from its files)")


def _contents(store: ChromaStore, words: Bm25Index, expected: dict) -> list[Finding]:
    try:
        found = store.manifest()
    except RagError as exc:
        return [Finding("database", False, str(exc), "rag doctor --repair (rebuilds it from its files)")]
    if found is None:
        return [Finding("index", False, f"no index at {store.location}", "rag ingest FOLDER")]
    problem = mismatch(found, expected, store.location)
    if problem:
        return [Finding("format", False, problem, "rag doctor --repair (rebuilds it from its files)")]
    return [Finding("format", True, "built with these settings and this index format"), _writes(store),
            _consistency(store), _keywords(store, words)]


def _writes(store: ChromaStore) -> Finding:
    note = None if store.place.chroma_url else WriteLock(store.place.index_dir).interrupted()
    if note:
        return Finding("writes", False, f"an ingest was interrupted ({note})",
                       "run the same `rag ingest` again, or rag doctor --repair: it resumes and cleans up")
    return Finding("writes", True, "the last ingest finished")


def _consistency(store: ChromaStore) -> Finding:
    per_source = chunks_per_source(store)
    rows = {source: int(meta["chunks"]) for source, meta in store.article_metadata().items()}
    orphans = sorted(set(per_source) - set(rows))
    short = sorted(src for src, n in rows.items() if per_source.get(src, 0) != n)
    if orphans or short:
        return Finding("consistency", False, f"{len(orphans)} sources have chunks but no article record "
                       f"{orphans[:3]}, {len(short)} articles miss chunks {short[:3]}",
                       "rag doctor --repair (removes the strays and ingests those files again)")
    return Finding("consistency", True, f"{len(rows)} articles, {sum(rows.values())} chunks, every chunk "
                   "belongs to an article and every article has its chunks")


def _keywords(store: ChromaStore, words: Bm25Index) -> Finding:
    if words.stored_revision() != store.revision():
        return Finding("keyword index", False, "the BM25 index on disk is behind the vector index "
                       "(kept up to date in memory meanwhile)", "rag doctor --repair (brings it up to date)")
    return Finding("keyword index", True, "the BM25 index matches the vector index")


def chunks_per_source(store: ChromaStore) -> Counter:
    """How many chunks each source has stored, read from the chunks themselves."""
    return Counter(m["source"] for m in store.chunks.get(include=["metadatas"])["metadatas"])


def orphan_sources(store: ChromaStore) -> set[str]:
    """Sources with chunks but no article record: what an interrupted write or delete left."""
    return set(chunks_per_source(store)) - set(store.articles.get(include=[])["ids"])


def repair(store: ChromaStore, findings: list[Finding], ingest: Callable[[list[Path], bool], str]) -> list[str]:
    """Fix what `diagnose` found, with `ingest(paths, rebuild)` (pruning and sweeping; it returns its
    summary line); returns what was done, a line each."""
    bad = {f.check for f in findings if not f.ok}
    if not bad:
        return ["nothing to repair"]
    if bad == {"index"}:
        return ["there is no index to repair: run rag ingest FOLDER"]
    inputs = _inputs(store, bad)
    if not inputs:
        return ["nothing records which files this index was built from: run rag ingest --rebuild FOLDER"]
    done = []
    rebuild = bool(bad & REBUILD)
    if rebuild and not store.place.chroma_url:
        done.append(f"moved the old index aside to {_move_aside(store)} (delete it when you are satisfied)")
        rebuild = False
    done.append(f"ingested {', '.join(map(str, inputs))}: {ingest(inputs, rebuild)}")
    return done


def _inputs(store: ChromaStore, bad: set[str]) -> list[Path]:
    """What to ingest: the recorded inputs, else (when Chroma can still be read) the articles' folders."""
    recorded = [p for p in recorded_inputs(store.place.index_dir) if p.exists()]
    if recorded or bad & {"database", "vectors"}:
        return recorded
    return sorted({Path(meta.get("root", "")) for meta in store.article_metadata().values()} - {Path("")})


def _move_aside(store: ChromaStore) -> Path:
    store.close()
    folder = store.place.index_dir
    target = folder.with_name(f"{folder.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.move(str(folder), str(target))
    return target
