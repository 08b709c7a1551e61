"""The Rag facade: what the CLI, the web chat and the eval harness all call."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from rag.answer.answerer import NO_PASSAGE, confidence, decline, declines
from rag.answer.answerers import ANSWERERS, OFFLINE, choose
from rag.answer.conversation import Conversation, llm_rewriter, rewrite
from rag.answer.generate import GenerativeAnswerer
from rag.answer.llm import Backend
from rag.answer.rank import SentenceRanker, load_model
from rag.answer.refusal import MAX_QUESTION_CHARS, clean_question, printable, refusal  # noqa: F401 - the web chat reads the limit here
from rag.answer.timeframe import timeframe
from rag.answer.verify import verify
from rag.embed import CachedEmbedder, make_embedder
from rag.errors import InputError
from rag.index import Index
from rag.index.backends import make_index
from rag.index.manifest import manifest_for
from rag.ingest.ahead import Ahead, parse_ahead
from rag.ingest.chunk import TOKENIZER
from rag.ingest.collect import RowOptions, free_space
from rag.ingest.parts import Part
from rag.ingest.pipeline import ingest_paths
from rag.ingest.walk import discover
from rag.ingest.writer import IngestReport
from rag.lexicon.outlets import load_aliases, same_outlet
from rag.records import Answer, AskOptions, Filters, Finding, Hit, final
from rag.retrieve.hybrid import ChunkRetriever, Retriever
from rag.service.corpus import Corpus
from rag.service.options import Plan, check_options, no_match, pick
from rag.service.timeline import Timeline
from rag.service.timing import hits_in_time, of_time, out_of_time, time_note, untimed
from rag.settings import Settings, field_map


class Rag(Corpus, Timeline):
    """Cheap to construct: the model and the index open on first use, once per process."""

    def __init__(self, settings: Settings, index: Index | None = None, embedder: CachedEmbedder | None = None) -> None:
        self.settings = settings
        self.index: Index = index if index is not None else make_index(settings)
        self._embedder = embedder
        self._checked = False
        self._backends: dict[str, tuple[Backend | None, str | None]] = {}  # per answerer kind, chosen once
        self._lock = threading.Lock()
        self._aliases: dict[str, str] | None = None
        self._retrievers: dict[str, Retriever] = {}
        self._ranker: SentenceRanker | None = None

    @property
    def embedder(self) -> CachedEmbedder:
        if self._embedder is None:
            s = self.settings
            self._embedder = make_embedder(s.embedding_model, s.embedding_backend, s.embed_batch_size,
                                           s.model_cache.expanduser(), s.embedding_threads)
        return self._embedder

    @property
    def retriever(self) -> Retriever:
        return self.retriever_for(self.settings.retriever)

    def retriever_for(self, mode: str) -> Retriever:
        """The retriever of a mode (dense, bm25, hybrid), built once."""
        if mode not in self._retrievers:
            self._retrievers[mode] = ChunkRetriever(self.index, self.embedder, mode, self.copies)
        return self._retrievers[mode]

    @property
    def ranker(self) -> SentenceRanker:
        if self._ranker is None:
            self._ranker = SentenceRanker(self.embedder, self.index, articles=self.index.article_texts)
        return self._ranker

    @property
    def aliases(self) -> dict[str, str]:
        """Outlet spellings that name one outlet (the packaged list and the user's file)."""
        if self._aliases is None:
            self._aliases = load_aliases(self.settings.outlet_aliases)
        return self._aliases

    def options(self, options: AskOptions | None = None) -> AskOptions:
        """`options` with every unset field taken from the settings (the threshold: the one chosen
        on the dev sets with the model, unless set); a bad value is named."""
        o, s = options or AskOptions(), self.settings
        threshold = pick(o.answer_threshold, s.answer_threshold)
        return check_options(AskOptions(
            top_k=pick(o.top_k, s.top_k), retriever=pick(o.retriever, s.retriever), filters=o.filters,
            llm=pick(o.llm, s.llm), max_answer_sentences=pick(o.max_answer_sentences, s.max_answer_sentences),
            answer_threshold=load_model().threshold if threshold is None else threshold))

    def backend(self, kind: str) -> tuple[Backend | None, str | None]:
        """The LLM backend for an answerer kind (None: offline) and a notice when `auto` fell back;
        chosen once per kind, so a local model loads and a server is probed once per process."""
        with self._lock:
            if kind not in self._backends:
                self._backends[kind] = choose(self.settings, kind)
            return self._backends[kind]

    def llm(self, kind: str):
        """The LLM of `kind` for work that needs one (drafting gold questions, judging answers);
        InputError says why there is none (`auto` found no LLM set up and answering)."""
        backend, notice = self.backend(kind)
        if backend is None:
            raise InputError(f"an LLM is needed here, but {(notice or 'the extractive answerer is not one').removeprefix(OFFLINE)}")
        return backend.llm

    def plan(self, options: AskOptions | Plan | None = None) -> Plan:
        """The options with every field set, and the answerer they ask for, resolved once per question
        (or conversation) and passed down. An LLM backend is chosen (its server probed) once per kind."""
        if isinstance(options, Plan):
            return options
        o = self.options(options)
        backend, notice = self.backend(o.llm)
        if backend is not None:
            return Plan(o, GenerativeAnswerer(backend, self.settings.llm_timeout), llm_rewriter(backend), notice)
        make = ANSWERERS.get(o.llm).make or ANSWERERS.get("extractive").make  # `auto` that fell back offline
        return Plan(o, make(self.settings, o), rewrite, notice)

    def manifest(self) -> dict:
        s = self.settings
        return manifest_for(model=s.embedding_model, backend=s.embedding_backend, dimensions=self.embedder.dimensions,
                            chunk_size=s.chunk_size, chunk_overlap=s.chunk_overlap, tokenizer=TOKENIZER)

    def ingest(self, paths: list[Path], prune: bool = False, rebuild: bool = False,
               progress: Callable[[str], None] | None = None,
               on_start: Callable[[int], None] | None = None, sweep: bool = False,
               follow_links: bool = False, reading: Callable[[str], None] | None = None,
               fields: dict[str, str] | None = None, part: Part = Part()) -> IngestReport:
        """Ingest files and folders; with `rebuild`, start from an empty index first. After an
        interrupted ingest (or with `sweep`), chunks left without their article are removed. Symbolic
        links inside the folders are refused unless `follow_links` (rag ingest --follow-symlinks).
        New and changed files are parsed before the write lock is taken (`reading` is told each one),
        so other writers wait only for the writing. `fields` names collections' columns, over the
        setting collection_fields. With `part` (K/N), only that part's articles are written or pruned:
        N processes, on one machine or several, share the work on one Chroma server (rag.ingest.parts)."""
        ahead = self._parse_ahead(paths, rebuild, follow_links, reading, part)
        with self.index.writing() as interrupted:
            if rebuild:
                self.index.drop()
            self.index.open(self.manifest(), create=True)
            self._checked = True
            s = self.settings
            room = free_space(s.index_dir) if s.index_backend == "chroma" and not s.chroma_url else None
            rows = RowOptions({**field_map(s.collection_fields), **(fields or {})}, room, self.index.input_fields())
            report = ingest_paths(paths, self.index, self.embedder, s.chunk_size, s.chunk_overlap, s.max_file_bytes,
                                  prune, progress, on_start, follow_links, ahead, rows, part)
            self.index.record_inputs(paths, self.settings.upload_dir, fields or {})
            if interrupted or sweep:  # the last writer was killed: chunks it left without their article go
                report.swept = self.index.sweep()
            self.index.committed(bool(report.added or report.updated or report.pruned or report.swept or rebuild))
            return report

    def _parse_ahead(self, paths: list[Path], rebuild: bool, follow_links: bool,
                     reading: Callable[[str], None] | None, part: Part) -> Ahead:
        """The files' hashes, and parses of those an ingest will write (all of them for a rebuild), done
        with no lock held; an index built with other settings is refused here, before any reading."""
        files = [f for f in discover(paths, follow_links)[0] if part.holds(f.source)]
        exists = not rebuild and self.index.open(self.manifest(), create=False)
        known = self.index.article_hashes() if exists else {}
        return parse_ahead(files, known, self.settings.max_file_bytes, reading)

    def diagnose(self) -> list[Finding]:
        """`rag doctor`: the index's own checks, against what these settings would build."""
        return self.index.diagnose(self.manifest())

    def repair(self, findings: list[Finding]) -> list[str]:
        """Fix what `diagnose` found: resume, sweep, or rebuild from the files it was built from."""
        return self.index.repair(findings, lambda paths, rebuild: self.ingest(
            paths, prune=True, rebuild=rebuild, sweep=True).summary())

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

    def reindex(self, progress: Callable[[str], None] | None = None,
                on_start: Callable[[int], None] | None = None) -> IngestReport:
        """Ingest again every folder the index was built from, pruning articles whose files are gone."""
        roots = sorted({Path(a.root) for a in self.index.articles()} if self.index.manifest() else set())
        return self.ingest([r for r in roots if r.is_dir()], prune=True, progress=progress, on_start=on_start)

    def open_index(self) -> None:
        """Check the index exists and matches the settings (once per process)."""
        if self._checked:
            return
        if not self.index.open(self.manifest(), create=False):
            raise self._no_index()
        self._checked = True

    def ask(self, question: str, options: AskOptions | Plan | None = None, qid: str = "") -> Answer:
        """Retrieve and answer one question; the answer carries its citations and latency."""
        return final(self.stream(question, options, qid))

    def stream(self, question: str, options: AskOptions | Plan | None = None,
               qid: str = "") -> Iterator[str | Answer]:
        """Text as it is written, then the verified Answer (always the last item)."""
        started = time.perf_counter()
        plan = self.plan(options)
        o = plan.options
        self.open_index()
        self.index.refresh()  # an ingest by another process (the CLI beside the web chat) shows at once
        refused = self._refusal(question)
        if refused:  # a question nothing could answer is declined with its reason, before any search
            answer = decline(printable(question)[:MAX_QUESTION_CHARS], (), refused)
            yield answer.text
            yield replace(answer, id=qid, latency_ms=(time.perf_counter() - started) * 1000)
            return
        question, hits = self._retrieve(question, o)
        frame = timeframe(question)
        if frame and frame.bounded:
            hits = hits_in_time(self.retriever_for(o.retriever), question, o, frame, self._filters(o.filters), hits)
        ranking = self.ranker.rank(untimed(question, frame), hits, newest=bool(frame and frame.latest),
                                   keep=of_time(frame))
        answerer, offline = plan.answerer, plan.notice
        answer = None
        if declines(ranking, o.answer_threshold):
            reason = NO_PASSAGE if hits else out_of_time(frame) if frame and frame.bounded else "nothing matched"
            answer = decline(question, hits, reason, ranking=ranking)
            yield answer.text
        else:
            for event in answerer.reply(question, hits, ranking):
                if isinstance(event, Answer):
                    answer = event
                else:
                    yield event
        assert answer is not None, "an answerer's reply ends with its Answer"
        answer = verify(answer, self._passages(answer, hits), self.embedder.embed, answerer.screen)
        notice = " ".join(n for n in (time_note(frame, answer), answer.notice, offline) if n) or None
        if not answer.abstained and not answer.citations:
            notice = "the model cited none of the sources: nothing in this answer is backed by the articles"
        yield replace(answer, id=qid, notice=notice, confidence=confidence(ranking),
                      latency_ms=(time.perf_counter() - started) * 1000)

    def _refusal(self, question: str) -> str | None:
        """Why no article could answer this question, before searching (rag.answer.refusal)."""
        text = printable(question)
        unknown = self.index.idf("\x00")  # the weight of a word no article has
        return refusal(text, lambda w: self.index.idf(w) < unknown - 1e-9)

    def _retrieve(self, question: str, o: AskOptions) -> tuple[str, list[Hit]]:
        question = clean_question(question)
        self.open_index()
        hits = self.retriever_for(o.retriever).retrieve(question, o.top_k, self._filters(o.filters))
        if o.filters and not hits:  # every ranking returns something unless no chunk passes the filters
            raise InputError(no_match(o.filters))
        return question, hits

    def _filters(self, filters: Filters | None) -> Filters | None:
        """Filters as the index reads them: an outlet in any of its spellings."""
        if filters and filters.publishers:
            spellings = {r.publisher for r in self.index.catalog() if r.publisher}
            publishers = same_outlet(filters.publishers, spellings, self.aliases)
            if not publishers:
                raise InputError(no_match(filters))
            filters = replace(filters, publishers=publishers)
        return filters

    @staticmethod
    def _passages(answer: Answer, hits: list[Hit]) -> dict[int, str]:
        """What each [n] is checked against: the passage its citation quotes from (any answerer)."""
        chunks = {h.chunk.id: h.chunk.text for h in hits}
        return {c.marker: chunks.get(c.chunk_id, c.quote) for c in answer.citations}

    def conversation(self, options: AskOptions | None = None, turns: list[Answer] | None = None) -> Conversation:
        """A chat that keeps history (continuing `turns`); follow-ups are rewritten into standalone
        questions (by the LLM when one is in use)."""
        plan = self.plan(options)
        return Conversation(lambda q: self.stream(q, plan), plan.rewriter, turns or [])
