"""The Rag facade: what the CLI, the web chat and the eval harness all call."""

from __future__ import annotations

import time
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator, Sequence

from rag.answer.answerer import NO_PASSAGE, Answerer, ExtractiveAnswerer, confidence, decline, declines
from rag.answer.conversation import Conversation, Rewriter, llm_rewriter, rewrite
from rag.answer.generate import GenerativeAnswerer
from rag.answer.llm import choose
from rag.answer.rank import SentenceRanker, load_model
from rag.answer.verify import verify
from rag.embed import CachedEmbedder, make_embedder
from rag.errors import InputError, StoreError
from rag.index import Index
from rag.index.chroma_index import ChromaIndex
from rag.index.manifest import manifest_for
from rag.ingest.chunk import TOKENIZER
from rag.ingest.pipeline import IngestReport, ingest_paths
from rag.records import Answer, Article, ArticleSummary, Chunk, Filters, Hit, final
from rag.retrieve.hybrid import ChunkRetriever, Retriever
from rag.settings import Settings

MAX_QUESTION_CHARS = 4000


class Rag:
    """Cheap to construct: the model and the index open on first use, once per process."""

    def __init__(self, settings: Settings, index: Index | None = None, embedder: CachedEmbedder | None = None) -> None:
        self.settings = settings
        self.index: Index = index if index is not None else ChromaIndex(settings)
        self._embedder = embedder
        self._checked = False
        self._answerer: tuple[Answerer, Rewriter] | None = None
        self._notice: str | None = None

    def variant(self, **updates) -> "Rag":
        """A Rag with some settings changed (answerer, retriever, answer length) that shares this
        one's index and loaded model."""
        other = Rag(self.settings.model_copy(update=updates), self.index, self._embedder)
        other._checked = self._checked
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
        return ChunkRetriever(self.index, self.embedder, self.settings.retriever)

    @property
    def ranker(self) -> SentenceRanker:
        return SentenceRanker(self.embedder, self.index, articles=self.index.article_texts)

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
        with self.index.writing() as interrupted:
            if rebuild:
                self.index.drop()
            self.index.open(self.manifest(), create=True)
            self._checked = True
            report = ingest_paths(paths, self.settings, self.index, self.embedder, prune, progress, on_start)
            self.index.record_inputs(paths, self.settings.upload_dir)
            if interrupted or sweep:  # the last writer was killed: chunks it left without their article go
                report.swept = self.index.sweep()
            self.index.committed(bool(report.added or report.updated or report.pruned or report.swept or rebuild))
            return report

    def delete(self, source: str) -> None:
        """Remove one article (and its chunks) from the index; an uploaded article's kept file goes too,
        so a re-index does not bring it back. Files of ingested folders are left alone."""
        with self.index.writing():
            article = self.index.article(source)
            if article is None:
                raise InputError(f"{source!r} is not in the index")
            self.index.delete_article(source)
            self.index.committed(True)
        uploads = self.settings.upload_dir.resolve()
        if Path(article.root) == uploads:
            (uploads / source).unlink(missing_ok=True)

    def reindex(self, progress: Callable[[str], None] | None = None) -> IngestReport:
        """Ingest again every folder the index was built from, pruning articles whose files are gone."""
        roots = sorted({Path(a.root) for a in self.index.articles()} if self.index.manifest() else set())
        return self.ingest([r for r in roots if r.is_dir()], prune=True, progress=progress)

    def open_index(self) -> None:
        """Check the index exists and matches the settings (once per process)."""
        if self._checked:
            return
        if not self.index.open(self.manifest(), create=False):
            raise StoreError(f"no index at {self.index.location}: run `rag ingest corpus/` first")
        self._checked = True

    def ask(self, question: str, top_k: int | None = None, filters: Filters | None = None, qid: str = "") -> Answer:
        """Retrieve and answer one question; the answer carries its citations and latency."""
        return final(self.stream(question, top_k, filters, qid))

    def stream(self, question: str, top_k: int | None = None, filters: Filters | None = None,
               qid: str = "", history: Sequence[Answer] = ()) -> Iterator[str | Answer]:
        """Text as it is written, then the verified Answer (always the last item)."""
        started = time.perf_counter()
        question, hits = self._retrieve(question, top_k, filters)
        ranking = self.ranker.rank(question, hits)
        answer = None
        if declines(ranking, self.threshold):
            answer = decline(question, hits, NO_PASSAGE if hits else "nothing matched")
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
        self.index.refresh()  # an ingest by another process (the CLI beside the web chat) shows at once
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
        manifest = self.index.manifest()
        docs, chunks = self.index.counts() if manifest else (0, 0)
        built = manifest or {}
        return {
            "index": self.index.location, "documents": docs, "chunks": chunks,
            "embedding_model": built.get("embedding_model"), "embedding_backend": built.get("embedding_backend"),
            "embedding_dimensions": built.get("embedding_dimensions"),
            "chunk_size": built.get("chunk_size"), "chunk_overlap": built.get("chunk_overlap"),
            "tokenizer": built.get("tokenizer"), "size_bytes": self.index.size_bytes(),
        }

    # -- the corpus, for listings and the article viewer (no model load)
    def catalog(self) -> list[ArticleSummary]:
        """One summary per indexed article, by source (none before the first ingest)."""
        return self.index.catalog() if self.index.manifest() else []

    def article(self, source: str) -> Article | None:
        return self.index.article(source)

    def articles(self, with_text: bool = False) -> list[Article]:
        return self.index.articles(with_text)

    def article_texts(self, sources: list[str]) -> dict[str, str]:
        return self.index.article_texts(sources)

    def chunks_of(self, source: str) -> list[Chunk]:
        return self.index.chunks_of(source)


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
