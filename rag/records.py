"""Frozen records that cross module borders. Change them with dataclasses.replace."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable

from rag.lexicon.dates import precision_of


@dataclass(frozen=True)
class Article:
    """One news article after loading and cleaning. `text` is what offsets point into."""

    source: str  # path relative to the ingested folder, POSIX style; the article's id
    title: str
    text: str
    content_hash: str  # sha256 of the file's bytes
    date: str | None = None  # ISO 8601: YYYY-MM-DD, YYYY-MM, YYYY, or --MM-DD when the year is unknown
    date_precision: str | None = None  # day | month | year | month-day
    date_evidence: str | None = None  # where the date came from; "copyright" is weak evidence
    publisher: str | None = None
    root: str = ""  # absolute folder it was ingested from, for --prune
    url: str | None = None  # where it was published, when its collection row says (rag.ingest.collections)


@dataclass(frozen=True)
class ArticleSummary:
    """One indexed article as listings show it (no text)."""

    source: str
    title: str
    publisher: str  # as the article spells it
    date: str
    chunks: int
    outlet: str = ""  # the outlet that spelling names (rag.lexicon.outlets), filled in by the service


@dataclass(frozen=True)
class Finding:
    """One check of an index's health (`rag doctor`): what was checked, whether it passed, and the fix."""

    check: str
    ok: bool
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Chunk:
    """A slice of an article; `start`/`end` are character offsets into Article.text."""

    id: str
    source: str
    ordinal: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Copy:
    """Another article that carries the same story (a syndicated copy): which, by whom, when."""

    source: str
    publisher: str | None
    date: str | None


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its similarity score and its article's metadata."""

    chunk: Chunk
    score: float
    title: str
    date: str | None
    publisher: str | None
    also: tuple[Copy, ...] = ()  # the other articles that carry this story (syndicated copies)
    url: str | None = None


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer: the exact quote and where it sits in the article."""

    marker: int
    source: str
    title: str
    date: str | None
    publisher: str | None
    chunk_id: str
    quote: str
    start: int  # offsets of `quote` in Article.text
    end: int
    score: float = 0.0  # cosine similarity of the cited chunk to the question
    also_reported_by: tuple[Copy, ...] = ()  # the other outlets that carried the same story
    url: str | None = None  # the article's address, as its collection row gives it


@dataclass(frozen=True)
class Sentence:
    """One answer sentence as a record: its words (notes apart), the markers citing it, and what
    renderers add around it. Verification fills in `supported`."""

    text: str
    markers: tuple[int, ...] = ()
    supported: bool = True
    years: tuple[str, ...] = ()  # its sources' years, shown before it when the answer's sources span several
    dates: tuple[tuple[str, str], ...] = ()  # (relative date as written, the date it means): ("on Wednesday", "19 May 2021")


@dataclass(frozen=True)
class TimelineEntry:
    """One dated fact about a topic (`rag timeline`): its date (ISO, any precision), the sentence that states
    it and where that sentence sits in its article."""

    date: str
    text: str
    source: str
    title: str
    publisher: str | None
    start: int  # offsets of `text` in Article.text
    end: int


@dataclass(frozen=True)
class Reported:
    """One of the values the sources give when they differ: the value, the markers of the sentences
    that give it, and where and when it was first reported ("Northern Ledger, 14 June 2021")."""

    value: str
    markers: tuple[int, ...]
    where: str


ANSWERED, PASSAGES, DECLINED = "answered", "passages", "declined"  # the three outcomes of a question


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # the answer as plain text (rag.answer.cite.plain_text of the records below, or an LLM's words)
    abstained: bool  # True exactly when `status` is DECLINED
    citations: tuple[Citation, ...] = ()
    latency_ms: float = 0.0
    id: str = ""
    notice: str | None = None
    hits: tuple[Hit, ...] = field(default=(), repr=False)
    unsupported: tuple[str, ...] = ()  # answer sentences their cited quotes do not support
    grounded: float = 0.0  # mean support of the answer's sentences, in [0, 1]
    rewritten: str | None = None  # the standalone question a follow-up was rewritten into
    answerer: str = ""
    confidence: float = 0.0  # the calibrated score of the best-answered part: what both thresholds are compared with
    status: str = ANSWERED  # answered (a short answer is asserted) | passages (closest sentences, no claim) | declined
    short_answer: str | None = None  # the bold asserted fact, only when status is answered
    sentences: tuple[Sentence, ...] = ()
    closest: tuple[Citation, ...] = ()  # on a decline: the passages that came nearest, for the reader to check
    reason: str | None = None  # why it declined, in words
    differ: tuple[Reported, ...] = ()  # the sources give different values: each, newest first (no short answer)


def chunk_id(source: str, text: str, occurrence: int = 0) -> str:
    """Stable id from the article and the chunk text (occurrence separates repeated text)."""
    digest = hashlib.sha256(f"{source}\x00{occurrence}\x00{text}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class Filters:
    """Metadata filters; dates are ISO prefixes (2017, 2017-02, 2017-02-27), bounds inclusive."""

    sources: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    def __bool__(self) -> bool:
        return bool(self.sources or self.publishers or self.date_from or self.date_to)


@dataclass(frozen=True)
class AskOptions:
    """How to answer one question: each field left None takes the setting's value. One Rag
    answers every combination (the web chat's per-session choices, eval's undeclined run)."""

    top_k: int | None = None
    retriever: str | None = None  # dense, bm25 or hybrid
    filters: Filters | None = None
    llm: str | None = None  # which answerer: extractive, openai, ollama, llamacpp or auto
    max_answer_sentences: int | None = None
    answer_threshold: float | None = None  # decline below this confidence


def final(events: Iterable[str | Answer]) -> Answer:
    """Drain an answer stream (text as it is written, then the Answer) for its Answer."""
    answer = None
    for answer in events:
        pass
    if not isinstance(answer, Answer):
        raise TypeError("an answer stream ends with its Answer")
    return answer


def answer_record(answer: Answer) -> dict:
    """The JSON record of `rag ask --json` and each line of `rag batch`."""
    return {
        "id": answer.id or None,  # null when the question came without one (rag ask)
        "question": answer.question,
        "answer": answer.text,
        "status": answer.status,
        "short_answer": answer.short_answer,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "sentences": [{"text": s.text, "markers": list(s.markers), "supported": s.supported} for s in answer.sentences],
        "citations": [_citation_record(c) for c in answer.citations],
        "closest": [{"source": c.source, "title": c.title, "date": c.date, "quote": c.quote}
                    for c in answer.closest],
        "unsupported": list(answer.unsupported),
        "grounded": round(answer.grounded, 3),
        "rewritten": answer.rewritten,
        "answerer": answer.answerer,
        "confidence": round(answer.confidence, 4),
        "latency_ms": round(answer.latency_ms, 2),
        "notice": answer.notice,
        "differ": [{"value": v.value, "markers": list(v.markers), "where": v.where} for v in answer.differ],
    }


def timeline_record(topic: str, entries: Iterable[TimelineEntry]) -> dict:
    """The JSON of `rag timeline --json`."""
    return {"topic": " ".join(topic.split()),
            "entries": [{"date": e.date, "text": e.text, "source": e.source, "title": e.title,
                         "publisher": e.publisher} for e in entries]}


def _citation_record(c: Citation) -> dict:
    return {"marker": c.marker, "source": c.source, "title": c.title, "date": c.date,
            "date_precision": precision_of(c.date), "publisher": c.publisher, "url": c.url, "chunk_id": c.chunk_id,
            "quote": c.quote, "start": c.start, "end": c.end, "score": round(c.score, 4),
            "also_reported_by": [{"source": x.source, "publisher": x.publisher, "date": x.date}
                                 for x in c.also_reported_by]}
