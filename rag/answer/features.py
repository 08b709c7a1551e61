"""Features of a candidate answer sentence for a question: what the ranker learns from.

Each feature is general (meaning, coverage of the question's lemmas, the kind of fact asked
for, position in the story), so the learned weights carry to news nobody tuned them to.
Pure: vectors and word statistics come in, numbers go out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np

from rag.answer.facts import holds, known
from rag.answer.question import QuestionInfo, mentions
from rag.lexicon.words import content_terms, content_words, stem, terms
from rag.records import Hit

NAMES = ("sim", "sim_gap", "hit", "hit_gap", "cov_sent", "cov_ctx", "ent_sent", "ent_article", "holds",
         "lead", "early", "novelty", "length", "miss_sent", "miss_ctx", "type_miss")


@dataclass(frozen=True)
class Candidate:
    """One sentence of a retrieved chunk; offsets point into its article's text."""

    hit: Hit
    start: int
    end: int
    text: str
    lead: bool  # the story's first sentence after any headline
    article: str = ""  # the whole article's text (the chunk's when unknown)


def weights(info: QuestionInfo, idf: Callable[[str], float]) -> dict[str, float]:
    """IDF weight of each content word of the question, by its stem. The index is asked about the
    word, not its stem: it stems what it is given, and a stem stemmed again may be no term at all."""
    return {stem(w): idf(w) for w in content_words(info.text)}


@lru_cache(maxsize=4096)
def _stems(text: str) -> frozenset[str]:
    # A chunk is read by each of its sentences' features: stemmed once per text.
    return frozenset(terms(text))


def coverage(wts: dict[str, float], text: str) -> float:
    """IDF-weighted share of the question's lemmas present in `text`."""
    total = sum(wts.values())
    if not total:
        return 0.0
    present = _stems(text)
    return sum(wt for t, wt in wts.items() if t in present) / total


def missing(wts: dict[str, float], text: str) -> float:
    """The weight of the most telling question lemma `text` lacks, relative to the most telling one:
    a near miss ("the date of the funeral" against a story of the death) lacks one rare word."""
    if not wts:
        return 0.0
    present = _stems(text)
    return max((wt for t, wt in wts.items() if t not in present), default=0.0) / max(max(wts.values()), 1e-9)


def lexical(info: QuestionInfo, wts: dict[str, float], cand: Candidate) -> list[float]:
    """The features that need no embedding (also the shortlist's first stage)."""
    ents = info.entities
    in_sent = sum(mentions(e, cand.text) for e in ents) / len(ents) if ents else 1.0
    in_ctx = sum(mentions(e, cand.article or cand.hit.chunk.text) for e in ents) / len(ents) if ents else 1.0
    own = content_terms(cand.text)
    novelty = len(own - info.terms) / len(own) if own else 0.0
    kind = holds(info.kind, cand.text, info.text)
    return [coverage(wts, cand.text), coverage(wts, cand.hit.chunk.text), in_sent, in_ctx,
            kind, float(cand.lead), 1.0 / (1.0 + cand.start / 1000.0),
            novelty, min(len(cand.text.split()), 60) / 60.0,
            missing(wts, cand.text), missing(wts, cand.hit.chunk.text), float(known(info.kind) and not kind)]


def first_stage(lex: list[float], hit_score: float) -> float:
    """A cheap ranking for the shortlist that gets embedded: coverage, fact kind, relevance, lead."""
    cov_sent, cov_ctx, _, _, kind, lead = lex[:6]
    return 0.5 * cov_sent + 0.2 * cov_ctx + 0.3 * hit_score + 0.2 * kind + 0.15 * lead


def matrix(sims: np.ndarray, cands: list[Candidate], lex: list[list[float]]) -> np.ndarray:
    """One row of NAMES per candidate."""
    hits = np.array([c.hit.score for c in cands])
    rows = [[float(s), float(s - sims.max()), float(h), float(h - hits.max()), *lx]
            for s, h, lx in zip(sims, hits, lex)]
    return np.array(rows, dtype=np.float64).reshape(len(cands), len(NAMES))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))
