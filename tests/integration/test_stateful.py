"""A Hypothesis state machine over the index, as Chroma tests itself: files are written, changed,
copied under other names and deleted; ingests and reopen-in-a-new-process come in any order. After
every step the index holds exactly what a simple model says, and dense search finds what brute
force finds."""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from helpers import CORPUS, make_rag
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from rag.ingest.chunk import chunk_article
from rag.ingest.load import SourceFile, load_file
from rag.ingest.metadata import build_article

# Real sentences from the sample articles, so that texts embed and chunk like articles do.
SENTENCES = sorted({s.strip() + "." for p in CORPUS.iterdir() for s in p.read_text().split(". ") if 40 < len(s) < 300})
NAMES = [f"story-{n}.txt" for n in range(6)]
texts = st.lists(st.sampled_from(SENTENCES[:40]), min_size=1, max_size=12).map(" ".join)

REOPEN = """
import json, sys
from rag.service import Rag
from rag.settings import load_settings
rag = Rag(load_settings(index_dir=sys.argv[1]))
got = rag.index.store.chunks.get(include=["metadatas"])
print(json.dumps({"articles": sorted(rag.index.store.articles.get(include=[])["ids"]),
                  "chunks": sorted(zip(got["ids"], (m["source"] for m in got["metadatas"])))}))
"""


class IndexMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp())
        self.corpus = self.tmp / "corpus"
        self.corpus.mkdir()
        self.rag = make_rag(self.tmp / "index")
        self.indexed: dict[str, str] = {}  # the model: source -> content hash, as of the last ingest
        self.chunks: list[tuple[str, str]] = []  # (chunk id, source) of what the last ingest indexed

    def teardown(self) -> None:
        self.rag.index.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @rule(name=st.sampled_from(NAMES), text=texts)
    def write(self, name: str, text: str) -> None:
        (self.corpus / name).write_text(text)

    @rule(name=st.sampled_from(NAMES), data=st.data())
    def copy_under_another_name(self, name: str, data) -> None:
        present = sorted(p.name for p in self.corpus.iterdir())
        source = data.draw(st.sampled_from(present)) if present else name
        if source != name:
            shutil.copy(self.corpus / source, self.corpus / name)

    @rule(name=st.sampled_from(NAMES))
    def delete(self, name: str) -> None:
        (self.corpus / name).unlink(missing_ok=True)

    @rule()
    def ingest(self) -> None:
        report = self.rag.ingest([self.corpus], prune=True)
        assert report.ok, report.failed
        self.indexed = self._expected()
        self.chunks = self._chunk_ids()

    @precondition(lambda self: self.indexed)
    @rule()
    def reopen_in_a_new_process(self) -> None:
        done = subprocess.run([sys.executable, "-c", REOPEN, str(self.tmp / "index")], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-500:]
        got = json.loads(done.stdout)
        assert got["articles"] == sorted(self.indexed)
        assert sorted(map(tuple, got["chunks"])) == sorted(self.chunks)

    def _expected(self) -> dict[str, str]:
        """Model of an ingest with prune: removed files go; identical content is one document,
        kept under a name that already holds it in the index, else the first name in order."""
        files = {p.name: load_file(SourceFile(p, self.corpus), 10**7).content_hash for p in sorted(self.corpus.iterdir())}
        owner: dict[str, str] = {}
        for name, digest in files.items():
            if self.indexed.get(name) == digest:
                owner.setdefault(digest, name)
        for name, digest in files.items():
            owner.setdefault(digest, name)
        return {name: digest for name, digest in files.items() if owner[digest] == name}

    def _chunk_ids(self) -> list[tuple[str, str]]:
        out = []
        for name in self.indexed:
            article = build_article(load_file(SourceFile(self.corpus / name, self.corpus), 10**7))
            out += [(c.id, name) for c in chunk_article(article, 256, 20, self.rag.embedder.fits)]
        return out

    @invariant()
    def index_matches_the_model(self) -> None:
        if not (self.tmp / "index" / "chroma.sqlite3").exists():
            return
        store = self.rag.index.store
        assert sorted(store.articles.get(include=[])["ids"]) == sorted(self.indexed)
        got = store.chunks.get(include=["metadatas"])
        assert len(got["ids"]) == len(set(got["ids"]))  # no duplicates
        assert sorted(zip(got["ids"], (m["source"] for m in got["metadatas"]))) == sorted(self.chunks)

    @invariant()
    def dense_search_finds_what_brute_force_finds(self) -> None:
        if not self.indexed:
            return
        got = self.rag.index.store.chunks.get(include=["embeddings"])
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        recalls = []
        for question in SENTENCES[::9][:5]:
            q = self.rag.embedder.embed([question])[0]
            exact = {got["ids"][i] for i in np.argsort(-(vectors @ q))[:5]}
            found = {h.chunk.id for h in self.rag.index.store.query(q, 5)}
            recalls.append(len(exact & found) / len(exact))
        assert np.mean(recalls) >= 0.95


TestIndexMachine = IndexMachine.TestCase
TestIndexMachine.settings = settings(max_examples=12, stateful_step_count=20, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
