"""Rank the sentences of retrieved passages as answers to each part of a question.

A small logistic model (weights in rag/answer/ranker.json, trained by scripts/train_ranker.py under
cross-validation) scores every candidate; the best score of a part is that part's confidence,
the one number the decline decision compares with its threshold.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from rag.answer.constraints import constraint_share
from rag.answer.entities import entities, entities_of
from rag.answer.facts import FINDERS, known
from rag.answer.features import NAMES, Candidate, first_stage, lexical, matrix, sigmoid, weights
from rag.answer.injection import flagged
from rag.answer.question import QuestionInfo, analyze, parts
from rag.answer.spans import typed_span
from rag.answer.timeframe import newest_first
from rag.embed import Embedder
from rag.lexicon.sentences import sentence_spans
from rag.records import Hit

WEIGHTS = Path(__file__).with_name("ranker.json")
SHORTLIST = 16  # sentences embedded per question; the rest are ranked out by the cheap first stage


class WordStats(Protocol):
    def idf(self, word: str) -> float: ...


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float  # the ranker's probability that this sentence answers the part
    vector: np.ndarray
    features: np.ndarray  # its row of NAMES


@dataclass(frozen=True)
class PartRanking:
    info: QuestionInfo
    ranked: tuple[Scored, ...]  # best first
    confidence: float = 0.0  # the calibrated probability that the best sentence answers the part
    reading: Reading | None = None  # how the best sentence reads as the answer
    assertion: float = 0.0  # the calibrated probability that its short answer is right (0: no typed span, or names unmet)


def answer_features(ranked: list[tuple[float, np.ndarray]], best: Reading) -> np.ndarray:
    """Question-level features of the best sentence (score, row of NAMES) against the runner-up, and
    how it reads as an answer: is the best sentence good enough to answer with at all?"""
    (top, row), runner = ranked[0], (ranked[1][0] if len(ranked) > 1 else 0.0)
    pick = [row[NAMES.index(n)] for n in ANSWER_NAMES[1:-3]]
    return np.array([_logit(top), *pick, _logit(top) - _logit(runner), best.near, best.fit])


ANSWER_NAMES = ("logit", "sim", "hit", "cov_sent", "cov_ctx", "ent_article", "holds", "miss_sent", "miss_ctx",
                "type_miss", "margin", "near", "span_fit")


ASSERT_NAMES = ("logit", "span_fit", "cov_sent", "miss_sent")


def assert_features(confidence: float, reading: Reading, row: np.ndarray, kind: str | None) -> np.ndarray:
    """What the assertion model reads: how sure the answer is, how well its span fits, how much of the
    question its sentence covers (row: the sentence's features), and the kind of fact asked for."""
    cover = [row[NAMES.index(n)] for n in ASSERT_NAMES[2:4]]
    return np.array([_logit(confidence), reading.fit, *cover])


@dataclass(frozen=True)
class Reading:
    """How a sentence reads as the answer to a part: its typed short answer (None: no span of the asked
    type), how well that span fits the question, and the share of the question's names that hold near it."""

    short: str | None
    fit: float
    near: float


def read(info: QuestionInfo, cand: Candidate) -> Reading:
    ents = entities(cand.text) if info.kind in FINDERS else ()  # only a typed kind reads them
    span = typed_span(info.kind, cand.text, info.text, cand.hit.date, ents)
    fit = span.fit if span else (0.5 if not known(info.kind) else 0.0)
    return Reading(span.text if span else None, fit, constraint_share(info, cand))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


@dataclass(frozen=True)
class Model:
    coef: np.ndarray  # sentence ranker over NAMES
    intercept: float
    answer_coef: np.ndarray  # answerability over ANSWER_NAMES
    answer_intercept: float
    threshold: float  # on answerability: below it, declined; chosen on out-of-fold scores (scripts/train_ranker.py)
    assert_coef: np.ndarray  # assertion over ASSERT_NAMES: is the short answer right?
    assert_intercept: float
    assert_threshold: float  # on assertion: at or above it, the short answer is asserted in bold

    def predict(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(x @ self.coef + self.intercept) if len(x) else np.zeros(0)

    def answerable(self, features: np.ndarray) -> float:
        return float(sigmoid(np.array([features @ self.answer_coef + self.answer_intercept]))[0])

    def asserts(self, confidence: float, reading: Reading, row: np.ndarray, kind: str | None) -> float:
        """The probability that the reading's short answer is right; 0 without one, or when a name of
        the question does not hold near it."""
        if reading.short is None or reading.near < 1.0:
            return 0.0
        x = assert_features(confidence, reading, row, kind)
        return float(sigmoid(np.array([x @ self.assert_coef + self.assert_intercept]))[0])


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    trained = (tuple(data["features"]), tuple(data["answer_features"]), tuple(data.get("assert_features", ())))
    if trained != (NAMES, ANSWER_NAMES, ASSERT_NAMES):
        raise RuntimeError(f"{path}: trained on features {trained}, this code computes "
                           f"{(NAMES, ANSWER_NAMES, ASSERT_NAMES)}: run scripts/train_ranker.py")
    vector = lambda key: np.array(data[key], dtype=np.float64)  # noqa: E731
    return Model(vector("coef"), float(data["intercept"]), vector("answer_coef"), float(data["answer_intercept"]),
                 float(data["threshold"]), vector("assert_coef"), float(data["assert_intercept"]),
                 float(data["assert_threshold"]))


_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")


def is_heading(text: str) -> bool:
    """A headline or subheading, wherever it sits ("Fewer ferries, and later ones", a web page's title
    with its site name): a short line with no sentence-ending mark. Never quoted as an answer."""
    return len(text.split()) <= 20 and not _SENTENCE_END.search(text.strip())


def candidates(hits: list[Hit], articles: dict[str, str] | None = None) -> list[Candidate]:
    """Sentences of the retrieved chunks, once each (chunks overlap); fragments and planted
    instructions skipped. A headline is only a headline when the article has one."""
    articles = articles or {}
    seen, out = set(), []
    for hit in hits:
        spans = sentence_spans(hit.chunk.text)
        titled = hit.chunk.ordinal == 0 and bool(hit.title) and hit.chunk.text.startswith(hit.title.strip())
        for i, (s, e) in enumerate(spans):
            text = hit.chunk.text[s:e]
            key = (hit.chunk.source, hit.chunk.start + s)
            first = hit.chunk.ordinal == 0 and s == spans[0][0]
            if key in seen or len(text.split()) < 4 or flagged(text) or (titled and first) or is_heading(text):
                continue  # a headline is never quoted as the answer, nor a sentence addressed to a model
            seen.add(key)
            lead = hit.chunk.ordinal == 0 and i == (1 if titled else 0)
            out.append(Candidate(hit, hit.chunk.start + s, hit.chunk.start + e, text, lead,
                                 articles.get(hit.chunk.source, "")))
    return out


_HOLDS, _TYPE_MISS = NAMES.index("holds") - 4, NAMES.index("type_miss") - 4  # in a lexical row


def typed(info: QuestionInfo, cand: Candidate, row: list[float]) -> list[float]:
    """A shortlisted sentence's lexical row with "holds the kind of fact asked" read from its named
    entities rather than patterns ("tens of thousands", "a quarter-century", a person's name); the
    patterns stay for every other candidate, and for reasons and statements."""
    if info.kind not in FINDERS:  # reasons and statements keep their patterns' reading
        return row
    found = float(typed_span(info.kind, cand.text, info.text, cand.hit.date, entities(cand.text)) is not None)
    out = list(row)
    out[_HOLDS], out[_TYPE_MISS] = found, 1.0 - found
    return out


class SentenceRanker:
    """Cheap to build; the model and the embedder are used on the first question."""

    def __init__(self, embedder: Embedder, stats: WordStats | None = None,
                 articles: Callable[[list[str]], dict[str, str]] | None = None) -> None:
        self.embedder, self.stats, self.articles = embedder, stats, articles

    def candidates(self, hits: list[Hit]) -> list[Candidate]:
        texts = self.articles(sorted({h.chunk.source for h in hits})) if self.articles and hits else {}
        return candidates(hits, texts)

    def rank(self, question: str, hits: list[Hit], newest: bool = False,
             keep: Callable[[Candidate], bool] | None = None) -> list[PartRanking]:
        """For each part of the question, its candidate sentences best first (with `newest`, the
        question asks for the present: of the sentences near the best, the newest dated first;
        `keep`: the sentences that may answer, such as those of the time the question gives)."""
        cands = [c for c in self.candidates(hits) if keep is None or keep(c)]
        infos = [analyze(p) for p in parts(question)]
        return [self._rank_part(info, cands, newest) for info in infos]

    def features(self, info: QuestionInfo, cands: list[Candidate]) -> tuple[list[Candidate], np.ndarray, np.ndarray]:
        """(shortlisted candidates, their feature rows, their vectors): what the model scores."""
        idf = self.stats.idf if self.stats else (lambda w: 1.0)
        wts = weights(info, idf)
        lex = [lexical(info, wts, c) for c in cands]
        order = sorted(range(len(cands)), key=lambda i: -first_stage(lex[i], cands[i].hit.score))[:SHORTLIST]
        if not order:
            return [], np.zeros((0, len(NAMES))), np.zeros((0, 0))
        short = [cands[i] for i in order]
        if info.kind in FINDERS:  # the kinds whose spans are entities: read together, once, for `typed` and `read`
            entities_of([c.text for c in short])
        vecs = self.embedder.embed([info.text] + [c.text for c in short])
        sims = vecs[1:] @ vecs[0]
        return short, matrix(sims, short, [typed(info, cands[i], lex[i]) for i in order]), vecs[1:]

    def _rank_part(self, info: QuestionInfo, cands: list[Candidate], newest: bool = False) -> PartRanking:
        model = load_model()
        short, x, vecs = self.features(info, cands)
        scores = model.predict(x)
        ranked = sorted((Scored(c, float(s), v, row) for c, s, v, row in zip(short, scores, vecs, x)),
                        key=lambda r: -r.score)
        if newest:
            ranked = newest_first(ranked, lambda r: r.candidate.hit.date, lambda r: r.score)
        if not ranked:
            return PartRanking(info, ())
        reading = read(info, ranked[0].candidate)
        sure = model.answerable(answer_features([(r.score, r.features) for r in ranked[:2]], reading))
        return PartRanking(info, tuple(ranked), sure, reading, model.asserts(sure, reading, ranked[0].features, info.kind))
