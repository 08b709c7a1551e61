"""The Rag facade: what the CLI, the web chat and the eval harness all call."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, Sequence

from rag.answer import Answerer, ExtractiveAnswerer, confidence, decline, declines
from rag.bm25 import Bm25Index
from rag.chunk import TOKENIZER
from rag.conversation import Conversation, Rewriter, llm_rewriter, rewrite
from rag.embed import CachedEmbedder, make_embedder
from rag.errors import InputError, StoreError
from rag.generate import GenerativeAnswerer
from rag.ingest import IngestReport, ingest_paths
from rag.inputs import record_inputs
from rag.llm import choose
from rag.records import Answer, Filters, Hit
from rag.retrieve import ChunkRetriever, Retriever
from rag.settings import Settings
from rag.manifest import manifest_for
from rag.rank import SentenceRanker, load_model
from rag.store import ChromaStore
from rag.verify import verify

MAX_QUESTION_CHARS = 4000


class Rag:
    """Cheap to construct: the model and the store open on first use, once per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = ChromaStore(settings)
        self._embedder: CachedEmbedder | None = None
        self._checked = False
        self.bm25 = Bm25Index(settings.index_dir / "bm25" / settings.collection)
        self._answerer: tuple[Answerer, Rewriter] | None = None
        self._notice: str | None = None

    def variant(self, **updates) -> "Rag":
        """A Rag with some settings changed (answerer, retriever, answer length) that shares this
        one's store, BM25 index and loaded model."""
        other = Rag(self.settings.model_copy(update=updates))
        other.store, other.bm25, other._embedder, other._checked = self.store, self.bm25, self.embedder, self._checked
        return other

    @property
    def embedder(self) -> CachedEmbedder:
        if self._embedder is None:
            s = self.settings
            self._embedder = make_embedder(s.embedding_model, s.embedding_backend, s.embed_batch_size,
                                           s.model_cache.expanduser())
        return self._embedder

    @property
    def retriever(self) -> Retriever:
        return ChunkRetriever(self.store, self.embedder, self.bm25, self.settings.retriever)

    @property
    def ranker(self) -> SentenceRanker:
        return SentenceRanker(self.embedder, self.bm25, articles=self.store.article_texts)

    @property
    def threshold(self) -> float:
        """The one decline threshold: the setting, or the one chosen on the dev sets with the model."""
        chosen = self.settings.answer_threshold
        return load_model().threshold if chosen is None else chosen

    @property
    def answerer(self) -> Answerer:
        return self._answerer_and_rewriter()[0]

    def _answerer_and_rewriter(self) -> tuple[Answerer, Rewriter]:
        """The one factory: the configured answerer and its follow-up rewriter, chosen once;
        `auto` without a reachable LLM answers offline."""
        if self._answerer is None:
            backend, self._notice = choose(self.settings, self.settings.llm)
            if backend is None:
                self._answerer = (ExtractiveAnswerer(self.threshold, self.settings.max_answer_sentences), rewrite)
            else:
                self._answerer = (GenerativeAnswerer(backend, self.settings.llm_timeout), llm_rewriter(backend))
        return self._answerer

    def manifest(self) -> dict:
        return manifest_for(self.settings, self.embedder.dimensions, TOKENIZER)

    def ingest(self, paths: list[Path], prune: bool = False, rebuild: bool = False,
               progress: Callable[[str], None] | None = None,
               on_start: Callable[[int], None] | None = None, sweep: bool = False) -> IngestReport:
        """Ingest files and folders; with `rebuild`, start from an empty index first. After an
        interrupted ingest (or with `sweep`), chunks left without their article are removed."""
        with self.store.writing() as interrupted:
            if rebuild:
                self.store.drop()
            self.store.check(self.manifest(), create=True)
            self._checked = True
            report = ingest_paths(paths, self.settings, self.store, self.embedder, prune, progress, on_start)
            if not self.settings.chroma_url:
                record_inputs(self.settings.index_dir, paths, self.settings.upload_dir)
            if interrupted or sweep:  # the last writer was killed: chunks it left without their article go
                report.swept = sorted(self.store.orphan_sources())
                self.store.delete_chunks_of(set(report.swept))
            if report.added or report.updated or report.pruned or report.swept or rebuild:
                self.store.bump_revision()
            self.bm25.sync(self.store, persist=True)  # keyword search sees the new articles at once
            return report

    def delete(self, source: str) -> None:
        """Remove one article (and its chunks) from the index; an uploaded article's kept file goes too,
        so a re-index does not bring it back. Files of ingested folders are left alone."""
        with self.store.writing():
            article = self.store.get_article(source)
            if article is None:
                raise InputError(f"{source!r} is not in the index")
            self.store.delete_article(source)
            self.store.bump_revision()
            self.bm25.sync(self.store, persist=True)
        uploads = self.settings.upload_dir.resolve()
        if Path(article.root) == uploads:
            (uploads / source).unlink(missing_ok=True)

    def reindex(self, progress: Callable[[str], None] | None = None) -> IngestReport:
        """Ingest again every folder the index was built from, pruning articles whose files are gone."""
        roots = sorted({Path(a.root) for a in self.store.list_articles()} if self.store.manifest() else set())
        return self.ingest([r for r in roots if r.is_dir()], prune=True, progress=progress)

    def open_index(self) -> None:
        """Check the index exists and matches the settings (once per process)."""
        if self._checked:
            return
        if not self.store.check(self.manifest(), create=False):
            raise StoreError(f"no index at {self.store.location}: run `rag ingest corpus/` first")
        self._checked = True

    def ask(self, question: str, top_k: int | None = None, filters: Filters | None = None, qid: str = "") -> Answer:
        """Retrieve and answer one question; the answer carries its citations and latency."""
        answer = None
        for event in self.stream(question, top_k, filters, qid):
            answer = event
        assert isinstance(answer, Answer)
        return answer

    def stream(self, question: str, top_k: int | None = None, filters: Filters | None = None,
               qid: str = "", history: Sequence[Answer] = ()) -> Iterator[str | Answer]:
        """Text as it is written, then the verified Answer (always the last item)."""
        started = time.perf_counter()
        question, hits = self._retrieve(question, top_k, filters)
        ranking = self.ranker.rank(question, hits)
        answer = None
        if declines(ranking, self.threshold):
            answer = decline(question, hits, "no passage states what the question asks" if hits else "nothing matched")
            yield answer.text
        else:
            for event in self.answerer.reply(question, history, hits, ranking):
                if isinstance(event, Answer):
                    answer = event
                else:
                    yield event
        assert answer is not None, "an answerer's reply ends with its Answer"
        answer = verify(answer, self._passages(answer, hits), self.embedder.embed)
        notice = " ".join(n for n in (answer.notice, self._notice) if n) or None
        if not answer.abstained and not answer.citations:
            notice = "the model cited none of the sources: nothing in this answer is backed by the articles"
        yield replace(answer, id=qid, notice=notice, confidence=confidence(ranking),
                      latency_ms=(time.perf_counter() - started) * 1000)

    def _retrieve(self, question: str, top_k: int | None, filters: Filters | None) -> tuple[str, list[Hit]]:
        question = clean_question(question)
        self.open_index()
        revision = self.store.follow()  # an ingest by another process (the CLI beside the web chat) shows at once
        self.bm25.sync(self.store, revision=revision)  # the answerer's word statistics come from it
        return question, self.retriever.retrieve(question, top_k or self.settings.top_k, filters)

    @staticmethod
    def _passages(answer: Answer, hits: list[Hit]) -> dict[int, str]:
        """What each [n] is checked against: the passage its citation quotes from (any answerer)."""
        chunks = {h.chunk.id: h.chunk.text for h in hits}
        return {c.marker: chunks.get(c.chunk_id, c.quote) for c in answer.citations}

    def conversation(self, top_k: int | None = None, filters: Filters | None = None,
                     turns: list[Answer] | None = None) -> Conversation:
        """A chat that keeps history (continuing `turns`); follow-ups are rewritten into standalone
        questions (by the LLM when one is in use)."""
        return Conversation(lambda q, history: self.stream(q, top_k=top_k, filters=filters, history=history),
                            self._answerer_and_rewriter()[1], turns or [])

    def stats(self) -> dict:
        """Counts and the settings the index was built with (no model load)."""
        manifest = self.store.manifest()
        docs, chunks = self.store.counts() if manifest else (0, 0)
        built = manifest or {}
        return {
            "index": self.store.location, "documents": docs, "chunks": chunks,
            "embedding_model": built.get("embedding_model"), "embedding_backend": built.get("embedding_backend"),
            "embedding_dimensions": built.get("embedding_dimensions"),
            "chunk_size": built.get("chunk_size"), "chunk_overlap": built.get("chunk_overlap"),
            "tokenizer": built.get("tokenizer"), "size_bytes": self.store.size_bytes(),
        }


def clean_question(question: str) -> str:
    """Strip control characters; refuse empty or oversized questions with a clear message."""
    if not isinstance(question, str):
        raise InputError(f"question must be text, got {type(question).__name__}")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise InputError("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"the question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}")
    return text
