"""Answer: the Answerer interface and the offline extractive answerer (no LLM needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from rag.cite import Evidence, compose
from rag.embed import Embedder
from rag.records import Answer, Hit
from rag.text import content_terms, has_date, has_name, has_quantity, sentence_spans, words

DECLINE = "The indexed articles do not answer this question."


class Answerer(Protocol):
    name: str

    def answer(self, question: str, hits: list[Hit]) -> Answer: ...


@dataclass(frozen=True)
class Candidate:
    hit: Hit
    start: int  # offsets in the article text
    end: int
    text: str


def question_type(question: str) -> str | None:
    """What kind of fact the question wants: quantity, date, person, place, or None."""
    q = " ".join(words(question))
    if q.startswith(("how many", "how much")) or "number of" in q or "what percentage" in q:
        return "quantity"
    if q.startswith("when") or q.startswith(("what year", "what date", "in what year", "in which year")):
        return "date"
    if q.startswith(("who", "whom", "whose")):
        return "person"
    if q.startswith("where") or q.startswith(("in which city", "in what city", "which city", "in which country")):
        return "place"
    return None


_TYPE_CHECK = {"quantity": has_quantity, "date": has_date, "person": has_name, "place": has_name}


class ExtractiveAnswerer:
    """Picks the retrieved sentences that answer the question and cites each; declines otherwise."""

    name = "extractive"

    def __init__(self, embedder: Embedder, min_score: float = 0.30, max_sentences: int = 3) -> None:
        self.embedder = embedder
        self.min_score = min_score
        self.max_sentences = max_sentences

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        if not hits or max(h.score for h in hits) < self.min_score:
            return Answer(question, DECLINE, abstained=True, hits=tuple(hits))
        cands = candidates(hits)
        scored = self._score(question, cands)
        chosen = select(scored, self.max_sentences)
        if not chosen:
            return Answer(question, DECLINE, abstained=True, hits=tuple(hits))
        text, citations = compose([Evidence(c.hit, c.start, c.end, c.text) for c in chosen])
        return Answer(question, text, abstained=False, citations=tuple(citations), hits=tuple(hits))

    def _score(self, question: str, cands: list[Candidate]) -> list[tuple[float, float, Candidate]]:
        """(score, similarity, candidate): embedding similarity, key-term coverage, answer type."""
        if not cands:
            return []
        vecs = self.embedder.embed([question] + [c.text for c in cands])
        sims = vecs[1:] @ vecs[0]
        terms = content_terms(question)
        check = _TYPE_CHECK.get(question_type(question) or "")
        out = []
        for sim, cand in zip(sims.tolist(), cands):
            cov = len(terms & content_terms(cand.text)) / len(terms) if terms else 0.0
            bonus = 0.0 if check is None else (0.08 if check(cand.text) else -0.15)
            out.append((0.6 * sim + 0.4 * cov + bonus, sim, cand))
        return sorted(out, key=lambda t: -t[0])


def candidates(hits: list[Hit]) -> list[Candidate]:
    """Sentences of the retrieved chunks, once each (chunks overlap), headings skipped."""
    seen, out = set(), []
    for hit in hits:
        for s, e in sentence_spans(hit.chunk.text):
            text = hit.chunk.text[s:e]
            key = (hit.chunk.source, hit.chunk.start + s)
            if key in seen or len(text.split()) < 5:
                continue
            seen.add(key)
            out.append(Candidate(hit, hit.chunk.start + s, hit.chunk.start + e, text))
    return out


SIM_FLOOR = 0.40  # best sentence must be at least this similar to the question
KEEP_RATIO = 0.85  # further sentences must score within this ratio of the best


def select(scored: list[tuple[float, float, Candidate]], limit: int) -> list[Candidate]:
    """The best sentence if it clears the floors, plus close runners-up, without repeats."""
    if not scored or scored[0][1] < SIM_FLOOR:
        return []
    best = scored[0][0]
    chosen: list[Candidate] = []
    for score, _sim, cand in scored:
        if len(chosen) == limit or score < best * KEEP_RATIO:
            break
        if not any(_same_fact(cand, c) for c in chosen):
            chosen.append(cand)
    return chosen


def _same_fact(a: Candidate, b: Candidate) -> bool:
    ta, tb = content_terms(a.text), content_terms(b.text)
    return len(ta & tb) / max(1, min(len(ta), len(tb))) > 0.8

