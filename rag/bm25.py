"""BM25 over the chunks: llama-index's BM25Retriever (bm25s), persisted beside the store.

Rebuilt when an ingest changes the corpus (the store's revision), never per query; loaded once
per process and reloaded when another process has ingested since.
"""

from __future__ import annotations

import copy
import json
import shutil
import threading
from pathlib import Path

from rag.filters import matcher
from rag.records import Chunk, Filters, Hit


class Bm25Index:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._retriever = None
        self._revision: str | None = None
        self._prefixes: set[str] = set()
        self._lock = threading.Lock()

    def build(self, records: list[tuple[str, str, dict]], revision: str) -> None:
        """(id, text, metadata) of every chunk -> a persisted BM25 index at `revision`."""
        from llama_index.core.schema import TextNode
        from llama_index.retrievers.bm25 import BM25Retriever

        tmp = self.folder.with_name(self.folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if records:
            nodes = [TextNode(id_=i, text=t, metadata=m, excluded_embed_metadata_keys=list(m)) for i, t, m in records]
            BM25Retriever(nodes=nodes, similarity_top_k=1).persist(str(tmp), show_progress=False)
        (tmp / "revision.json").write_text(json.dumps({"revision": revision, "chunks": len(records)}))
        shutil.rmtree(self.folder, ignore_errors=True)
        tmp.rename(self.folder)  # readers see the old index or the new one, never half of one
        with self._lock:
            self._retriever, self._revision = None, None

    def persisted_revision(self) -> str | None:
        try:
            return str(json.loads((self.folder / "revision.json").read_text())["revision"])
        except (OSError, ValueError, KeyError):
            return None

    def _load(self):
        from llama_index.retrievers.bm25 import BM25Retriever

        with self._lock:
            revision = self.persisted_revision()
            if self._revision != revision:
                empty = not (self.folder / "params.index.json").exists()
                self._retriever = None if empty else BM25Retriever.from_persist_dir(str(self.folder), show_progress=False)
                vocab = self._retriever.bm25.vocab_dict if self._retriever else {}
                self._prefixes = {w[:5] for w in vocab if len(w) >= 5}
                self._revision = revision
            return self._retriever

    def search(self, question: str, k: int, filters: Filters | None = None) -> list[Hit]:
        """Top-k chunks by BM25 score, filtered by metadata; empty when no term matches."""
        base = self._load()
        if base is None:
            return []
        match = matcher(filters)
        mask = [int(match(doc)) for doc in base.corpus] if filters else None  # metadata is flattened into each doc
        if mask is not None and not any(mask):
            return []
        retriever = copy.copy(base)  # per-query k and mask; the shared index is not mutated
        retriever.similarity_top_k = min(k, len(base.corpus))
        retriever.corpus_weight_mask = mask
        return [_hit(n) for n in retriever.retrieve(question) if n.score and n.score > 0]

    def has_word(self, word: str) -> bool:
        """Is `word` anywhere in the corpus? Stemmed as BM25 stems it, or sharing its first five
        letters with a corpus word (memoranda/memorandum)."""
        base = self._load()
        if base is None:
            return False
        word = word.lower()
        return base.stemmer.stemWord(word) in base.bm25.vocab_dict or word[:5] in self._prefixes

    def idf(self, word: str) -> float:
        """BM25's inverse document frequency of `word`; words the corpus lacks get the highest."""
        import math

        base = self._load()
        if base is None:
            return 1.0
        scores, n = base.bm25.scores, int(base.bm25.scores["num_docs"])
        tid = base.bm25.vocab_dict.get(base.stemmer.stemWord(word.lower()))
        df = 0 if tid is None else int(scores["indptr"][tid + 1] - scores["indptr"][tid])
        return math.log((n - df + 0.5) / (df + 0.5) + 1.0)


def _hit(node_with_score) -> Hit:
    node, m = node_with_score.node, node_with_score.node.metadata
    chunk = Chunk(node.node_id, m["source"], int(m["ordinal"]), node.get_content(), int(m["start"]), int(m["end"]))
    return Hit(chunk, float(node_with_score.score), m["title"], m["date"] or None, m["publisher"] or None)
