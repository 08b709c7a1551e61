"""`rag doctor`: check an index part by part, and repair it without losing what it was built from."""

from __future__ import annotations

import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError
from rag.index.inputs import recorded_inputs
from rag.index.lock import WriteLock
from rag.index.manifest import mismatch
from rag.index.probe import probe

# Findings that mean the index cannot be used as it is: repair moves it aside and builds it again.
REBUILD = {"database", "vectors", "format"}


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str = ""


def diagnose(rag) -> list[Finding]:
    """Each check in turn; one that makes the later ones meaningless (or unsafe) ends the list."""
    s = rag.settings
    if s.index_backend != "chroma":
        return [Finding("index", True, f"index_backend={s.index_backend}: the doctor checks a Chroma index only")]
    found: list[Finding] = []
    if not s.chroma_url:
        if not (s.index_dir / "chroma.sqlite3").is_file():
            return [Finding("index", False, f"no index at {s.index_dir}", "rag ingest FOLDER")]
        for check in (_database, _vectors):
            found.append(check(rag))
            if not found[-1].ok:
                return found
    return found + _contents(rag)


def _database(rag) -> Finding:
    db = rag.settings.index_dir / "chroma.sqlite3"
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as exc:
        verdict = str(exc)
    if verdict == "ok":
        return Finding("database", True, f"{db} is intact")
    return Finding("database", False, f"{db} is damaged ({verdict})", "rag doctor --repair (rebuilds it from its files)")


def _vectors(rag) -> Finding:
    result = probe(rag.settings.index_dir, rag.settings.collection)
    if result.ok:
        return Finding("vectors", True, "the vector index opens and answers a query")
    return Finding("vectors", False, result.detail, "rag doctor --repair (rebuilds it from its files)")


def _contents(rag) -> list[Finding]:
    try:
        found = rag.index.manifest()
    except RagError as exc:
        return [Finding("database", False, str(exc), "rag doctor --repair (rebuilds it from its files)")]
    if found is None:
        return [Finding("index", False, f"no index at {rag.index.location}", "rag ingest FOLDER")]
    problem = mismatch(found, rag.manifest(), rag.index.location)
    if problem:
        return [Finding("format", False, problem, "rag doctor --repair (rebuilds it from its files)")]
    return [Finding("format", True, "built with these settings and this index format"), _writes(rag),
            _consistency(rag), _keywords(rag)]


def _writes(rag) -> Finding:
    note = None if rag.settings.chroma_url else WriteLock(rag.settings.index_dir).interrupted()
    if note:
        return Finding("writes", False, f"an ingest was interrupted ({note})",
                       "run the same `rag ingest` again, or rag doctor --repair: it resumes and cleans up")
    return Finding("writes", True, "the last ingest finished")


def _consistency(rag) -> Finding:
    per_source = rag.index.store.chunks_per_source()
    rows = {r.source: r.chunks for r in rag.index.catalog()}
    orphans = sorted(set(per_source) - set(rows))
    short = sorted(src for src, n in rows.items() if per_source.get(src, 0) != n)
    if orphans or short:
        return Finding("consistency", False, f"{len(orphans)} sources have chunks but no article record "
                       f"{orphans[:3]}, {len(short)} articles miss chunks {short[:3]}",
                       "rag doctor --repair (removes the strays and ingests those files again)")
    return Finding("consistency", True, f"{len(rows)} articles, {sum(rows.values())} chunks, every chunk "
                   "belongs to an article and every article has its chunks")


def _keywords(rag) -> Finding:
    if rag.index.words.stored_revision() != rag.index.store.revision():
        return Finding("keyword index", False, "the BM25 index on disk is behind the vector index "
                       "(kept up to date in memory meanwhile)", "rag doctor --repair (brings it up to date)")
    return Finding("keyword index", True, "the BM25 index matches the vector index")


def repair(rag, findings: list[Finding]) -> list[str]:
    """Fix what `diagnose` found; returns what was done, a line each."""
    bad = {f.check for f in findings if not f.ok}
    if not bad:
        return ["nothing to repair"]
    if bad == {"index"}:
        return ["there is no index to repair: run rag ingest FOLDER"]
    inputs = _inputs(rag, bad)
    if not inputs:
        return ["nothing records which files this index was built from: run rag ingest --rebuild FOLDER"]
    done = []
    rebuild = bool(bad & REBUILD)
    if rebuild and not rag.settings.chroma_url:
        done.append(f"moved the old index aside to {_move_aside(rag)} (delete it when you are satisfied)")
        rebuild = False
    report = rag.ingest(inputs, prune=True, rebuild=rebuild, sweep=True)
    done.append(f"ingested {', '.join(map(str, inputs))}: {report.summary()}")
    return done


def _inputs(rag, bad: set[str]) -> list[Path]:
    """What to ingest: the recorded inputs, else (when Chroma can still be read) the articles' folders."""
    recorded = [p for p in recorded_inputs(rag.settings.index_dir) if p.exists()]
    if recorded or bad & {"database", "vectors"}:
        return recorded
    return sorted({Path(a.root) for a in rag.index.articles()} - {Path("")})


def _move_aside(rag) -> Path:
    rag.index.close()
    index = rag.settings.index_dir
    target = index.with_name(f"{index.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.move(str(index), str(target))
    return target
