"""BM25 over the chunks, updated incrementally and persisted beside the store.

Our own rather than llama-index's BM25Retriever (bm25s): that one can only be rebuilt whole,
keeps every chunk's text and metadata in memory, and filters by looping over the corpus in
Python. Here an ingest tokenizes only the chunks it added, deletions are tombstones, postings
live in numpy segments (a small one for recent additions, merged into the main one when it grows),
and texts stay in Chroma. Scoring is BM25 (Lucene variant, k1=1.5, b=0.75) over the lexicon's
terms (rag.lexicon.words.terms): the ranker weighs a question's words by this index's IDF, so both
must read "21,000" and "O'Neill" alike. The index on disk names the terms' version it holds.
"""

from __future__ import annotations

import fcntl
import json
import math
import shutil
import tempfile
import threading
from pathlib import Path

import numpy as np

from rag.lexicon.words import TERMS_VERSION
from rag.lexicon.words import terms as index_terms

K1, B = 1.5, 0.75


def stem_of(word: str) -> str:
    """The one index term a question word is looked up as (its first term, or itself)."""
    return (index_terms(word) or [word.lower()])[0]


class Postings:
    """Pure BM25 state: rows (chunks) with lengths and a live flag, terms, and postings segments."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.row: dict[str, int] = {}
        self.lengths = np.zeros(0, np.int32)
        self.alive = np.zeros(0, bool)
        self.vocab: dict[str, int] = {}
        self.segments: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (indptr, rows, tfs)

    def add(self, ids: list[str], texts: list[str]) -> None:
        """Index new chunks (an id already present is replaced)."""
        self.remove([i for i in ids if i in self.row])
        terms, rows, tfs, lengths = [], [], [], []
        for offset, text in enumerate(texts):
            counts: dict[int, int] = {}
            words = index_terms(text)
            for w in words:
                t = self.vocab.setdefault(w, len(self.vocab))
                counts[t] = counts.get(t, 0) + 1
            terms += counts.keys()
            rows += [len(self.ids) + offset] * len(counts)
            tfs += counts.values()
            lengths.append(len(words))
        self.lengths = np.concatenate([self.lengths, np.array(lengths, np.int32)])
        self.row.update((i, len(self.ids) + n) for n, i in enumerate(ids))
        self.ids += ids
        self.alive = np.append(self.alive, np.ones(len(ids), bool))
        self.segments.append(_segment(np.array(terms, np.int64), np.array(rows, np.int32), np.array(tfs, np.float32)))
        if len(self.segments) > 1 and self.segments[-1][1].size > 0.1 * self.segments[0][1].size:
            self._merge()

    def remove(self, ids: list[str]) -> None:
        for i in ids:
            self.alive[self.row.pop(i)] = False
        if self.alive.size and (~self.alive).sum() > 0.25 * self.alive.size:
            self._compact()

    def _triples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = [(np.repeat(np.arange(len(ip) - 1), np.diff(ip)), r, f) for ip, r, f in self.segments]
        return tuple(np.concatenate([p[k] for p in parts]) if parts else np.zeros(0) for k in range(3))

    def _merge(self) -> None:
        terms, rows, tfs = self._triples()
        self.segments = [_segment(terms.astype(np.int64), rows.astype(np.int32), tfs.astype(np.float32))]

    def _compact(self) -> None:
        """Drop dead rows for good (renumbering the live ones)."""
        terms, rows, tfs = self._triples()
        new_row = np.cumsum(self.alive) - 1
        keep = self.alive[rows.astype(np.int64)]
        live = np.flatnonzero(self.alive)
        self.ids = [self.ids[r] for r in live]
        self.row = {i: n for n, i in enumerate(self.ids)}
        self.lengths, self.alive = self.lengths[live], np.ones(len(live), bool)
        self.segments = [_segment(terms[keep].astype(np.int64), new_row[rows[keep].astype(np.int64)].astype(np.int32),
                                  tfs[keep].astype(np.float32))]

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, term frequencies) of live chunks holding `term` (already stemmed)."""
        t = self.vocab.get(term)
        if t is None:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        rows = [r[ip[t]:ip[t + 1]] for ip, r, _ in self.segments if t + 1 < len(ip)]
        tfs = [f[ip[t]:ip[t + 1]] for ip, _, f in self.segments if t + 1 < len(ip)]
        rows_, tfs_ = (np.concatenate(rows), np.concatenate(tfs)) if rows else (np.zeros(0, np.int32), np.zeros(0))
        keep = self.alive[rows_]
        return rows_[keep], tfs_[keep]

    def idf(self, term: str, df: int | None = None) -> float:
        n = int(self.alive.sum())
        df = len(self.postings(term)[0]) if df is None else df
        return math.log((n - df + 0.5) / (df + 0.5) + 1.0)

    def scores(self, question: str, allowed: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every row for `question` (0 for dead rows and rows not `allowed`)."""
        out = np.zeros(len(self.ids), np.float32)
        if not self.alive.any():
            return out
        avgdl = max(float(self.lengths[self.alive].mean()), 1.0)
        for term in set(index_terms(question)):
            rows, tfs = self.postings(term)
            if rows.size:
                norm = tfs + K1 * (1 - B + B * self.lengths[rows] / avgdl)
                out[rows] += self.idf(term, rows.size) * tfs / norm  # Lucene drops the constant (k1 + 1)
        return out if allowed is None else out * allowed

    def top(self, question: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        scores = self.scores(question, allowed)
        if k < scores.size:  # partial selection: a full sort of 100k scores costs more than scoring
            cut = np.argpartition(-scores, k)[:k]
            best = cut[np.lexsort((cut, -scores[cut]))]
        else:
            best = np.argsort(-scores, kind="stable")
        return [(self.ids[r], float(scores[r])) for r in best if scores[r] > 0]


def _segment(terms: np.ndarray, rows: np.ndarray, tfs: np.ndarray):
    order = np.argsort(terms, kind="stable")
    counts = np.bincount(terms, minlength=int(terms.max()) + 1 if terms.size else 0)
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), rows[order], tfs[order]


class Bm25Index:
    """Postings kept in step with a store's chunks, persisted in `folder`, shared by threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._state: Postings | None = None
        self._revision: str | None = None
        self._lock = threading.RLock()

    def sync(self, store, persist: bool = False, revision: str | None = None) -> None:
        """Bring the index up to the store's revision (`revision`, when the caller has just read
        it): only chunks added since are tokenized. Only the writer (holding the write lock)
        persists it; readers keep their update in memory."""
        revision = revision or store.revision()
        with self._lock:
            if self._revision == revision:
                return
            state, built = _read(self.folder)
            if built is None or built.split(":")[0] != revision.split(":")[0]:
                state = Postings()  # a new collection (rebuilt index): start over
            if built != revision:
                current = set(store.chunk_id_list())
                state.remove([i for i in list(state.row) if i not in current])
                added = [i for i in current if i not in state.row]
                for texts in store.texts_of(added):
                    state.add(list(texts), list(texts.values()))
                if persist:
                    _write(self.folder, state, revision)
            self._state, self._revision = state, revision

    def stored_revision(self) -> str | None:
        """The store revision the index on disk was written for (None: no index on disk)."""
        try:
            meta = json.loads((self.folder / "bm25.json").read_text())
        except (OSError, ValueError):
            return None
        return meta.get("revision") if meta.get("terms") == TERMS_VERSION else None  # other terms: not this index

    @property
    def state(self) -> Postings:
        """What was last synced, or else what is on disk (callers sync before asking)."""
        with self._lock:
            if self._state is None:
                self._state, self._revision = _read(self.folder)
            return self._state

    def search(self, question: str, k: int, allowed_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) of the top-k chunks, within `allowed_ids` when given."""
        state = self.state
        allowed = None
        if allowed_ids is not None:
            allowed = np.zeros(len(state.ids), np.float32)
            allowed[[state.row[i] for i in allowed_ids if i in state.row]] = 1.0
        return state.top(question, k, allowed)

    def idf(self, word: str) -> float:
        """BM25's inverse document frequency of `word`; words the corpus lacks get the highest."""
        return self.state.idf(stem_of(word))


def _read(folder: Path) -> tuple[Postings, str | None]:
    try:
        meta = json.loads((folder / "bm25.json").read_text())
        if meta.get("terms") != TERMS_VERSION:  # built with other terms: rebuilt from the store, never searched
            return Postings(), None
        with np.load(folder / "bm25.npz") as npz:  # each npz[...] reads the file again: read once
            arrays = {k: npz[k] for k in ("lengths", "alive", "indptr", "rows", "tfs")}
    except (OSError, ValueError, KeyError):
        return Postings(), None
    state = Postings()
    state.ids, state.vocab = meta["ids"], {w: n for n, w in enumerate(meta["vocab"])}
    state.row = {state.ids[n]: int(n) for n in np.flatnonzero(arrays["alive"])}
    state.lengths, state.alive = arrays["lengths"], arrays["alive"]
    state.segments = [(arrays["indptr"], arrays["rows"], arrays["tfs"])]
    return state, meta["revision"]


def _write(folder: Path, state: Postings, revision: str) -> None:
    """Write to a sibling folder and swap it in: readers see the old index or the new one. Several
    ingests on one machine (rag ingest --workers) may write at once: one swaps at a time."""
    state._merge()
    indptr, rows, tfs = state.segments[0]
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f".{folder.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in folder.parent.glob(folder.name + ".tmp-*"):  # from a writer killed mid-write
            shutil.rmtree(leftover, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".tmp-", dir=folder.parent))
        np.savez(tmp / "bm25.npz", lengths=state.lengths, alive=state.alive, indptr=indptr, rows=rows, tfs=tfs)
        vocab = sorted(state.vocab, key=state.vocab.get)
        (tmp / "bm25.json").write_text(json.dumps({"terms": TERMS_VERSION, "revision": revision, "ids": state.ids,
                                                     "vocab": vocab}))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
