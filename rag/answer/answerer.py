"""Answer: the one answerer contract, the decline decision, and the offline extractive answerer."""

from __future__ import annotations

from typing import Iterator, Protocol, Sequence

from rag.answer.cite import Evidence, compose, plain_text, to_citation
from rag.answer.constraints import unmet
from rag.answer.differ import CONTESTED_FIT, differing, reported
from rag.answer.facts import placed
from rag.answer.injection import Screen
from rag.answer.rank import PartRanking, Scored
from rag.answer.reldates import annotate
from rag.answer.timeframe import span_in_time, timeframe
from rag.lexicon.numbers import numbers
from rag.records import ANSWERED, DECLINED, PASSAGES, Answer, Citation, Hit

DECLINE = "The indexed articles do not answer this question."
KEEP_RATIO = 0.85  # a second sentence must score within this ratio of the best (and above the threshold)
SAME_FACT = 0.85  # sentences from two articles this similar, with the same numbers, state one fact (measured: a reprinted fact 0.93, two different facts about the same base 0.79)


class Answerer(Protocol):
    """Every answerer (extractive, OpenAI-compatible, Ollama, llama.cpp) answers the same way:
    the standalone question (follow-ups are rewritten before retrieval), the passages and their
    ranked sentences in; text as it is written out, ending with the Answer."""

    name: str
    streams: bool  # is the text written live (an LLM), or the finished answer at once?
    screen: Screen | None  # flags planted instructions in sources, for verification (None: it never quotes them)

    def reply(self, question: str, hits: list[Hit],
              ranking: list[PartRanking]) -> Iterator[str | Answer]: ...


NO_PASSAGE = "no passage states what the question asks"
CLOSEST = 3  # passages listed under a decline, for the reader to check it


def decline(question: str, hits: Sequence[Hit], reason: str, answerer: str = "extractive",
            ranking: Sequence[PartRanking] = ()) -> Answer:
    """The one way any answerer says the articles do not hold the answer: the reason, and the passages
    that came nearest (from `ranking`), so that a reader can check the refusal."""
    return Answer(question, f"{DECLINE[:-1]}: {reason}.", abstained=True, hits=tuple(hits), answerer=answerer,
                  status=DECLINED, reason=reason, closest=closest_passages(ranking))


def closest_passages(ranking: Sequence[PartRanking]) -> tuple[Citation, ...]:
    """The best-scoring sentences over the parts of a question, one per passage, best first."""
    best = sorted((s for part in ranking for s in part.ranked), key=lambda s: -s.score)
    chosen: dict[tuple[str, int], Scored] = {}  # a sentence two parts ranked is listed once
    for item in best:
        chosen.setdefault((item.candidate.hit.chunk.source, item.candidate.start), item)
    return tuple(to_citation(n, _evidence(item)) for n, item in enumerate(list(chosen.values())[:CLOSEST], 1))


def confidence(ranking: list[PartRanking]) -> float:
    """How sure the best-answered part is: what the threshold is compared with."""
    return max((p.confidence for p in ranking), default=0.0)


def declines(ranking: list[PartRanking], threshold: float) -> bool:
    """The one decline decision: no part of the question has a sentence scoring `threshold`."""
    return confidence(ranking) < threshold


class ExtractiveAnswerer:
    """Quotes the sentences that answer, opening with the short answer (a number, date or name) only when
    the assertion model is sure of it: otherwise the sentences are shown as the closest passages."""

    name = "extractive"
    streams = False
    screen = None  # it never quotes a sentence the instruction screen flags (rag.answer.rank.candidates)

    def __init__(self, threshold: float, max_sentences: int = 3, assert_threshold: float = 1.0) -> None:
        self.threshold, self.max_sentences, self.assert_threshold = threshold, max_sentences, assert_threshold

    def reply(self, question: str, hits: list[Hit],
              ranking: list[PartRanking]) -> Iterator[str | Answer]:
        answer = self.answer(question, hits, ranking)
        yield answer.text
        yield answer

    def answer(self, question: str, hits: list[Hit], ranking: list[PartRanking]) -> Answer:
        answered = [p for p in ranking if p.ranked and not declines([p], self.threshold)]  # part by part
        if not answered:
            return decline(question, hits, NO_PASSAGE, ranking=ranking)
        limit = self.max_sentences if len(ranking) == 1 else 1
        groups: list[list[Evidence]] = []
        shorts: list[str] = []
        undated: list[str] = []
        for part in answered:
            for rank, item in enumerate(_select(part, limit)):
                c = item.candidate
                if rank == 0 and part.reading and part.reading.short not in (None, *shorts):
                    shorts.append(part.reading.short)  # the best sentence's typed span (asserted below, or not)
                if any((g[0].hit.chunk.source, g[0].start) == (c.hit.chunk.source, c.start) for g in groups):
                    continue  # one sentence answers two parts: quoted once
                groups.append(_same_fact_group(item, part))
                undated += annotate(c.text, c.hit.date)[1]
        kind, frame = ranking[0].info.kind, timeframe(question)
        # a question for the present is answered by the newest fact (rag.answer.timeframe), not by every value
        # and values are compared only when the best passage speaks of what the question names ("Dunmore")
        one = len(ranking) == 1 and not (frame and frame.latest) and not unmet(ranking[0].info, ranking[0].ranked[0].candidate)
        order = differing(kind, question, groups) if one else None
        contested = bool(order) or (one and differing(kind, question, groups, CONTESTED_FIT) is not None)
        if order:  # the sources give different values: each shown, newest first, and none asserted
            groups, order = _values_first(groups, order)
        sentences, citations = compose(groups)
        values = reported(kind, question, sentences, citations, order, groups) if order else ()
        # A bold short answer is a promise: made only when the assertion model is sure of every part's
        # (a part left unasserted would make it a half-promise).
        whole = all(p.reading and p.reading.short and p.assertion >= self.assert_threshold
                    and placed(p.info.kind, p.reading.short)  # a date on a calendar, of the time asked about
                    and span_in_time(frame, p.reading.short, p.ranked[0].candidate.text) for p in ranking)
        short = "; ".join(shorts) if shorts and whole and not contested else None
        return Answer(question, plain_text(short, sentences, values), abstained=False, citations=tuple(citations),
                      differ=values, hits=tuple(hits), answerer=self.name, notice=_notice(ranking, answered, undated),
                      status=ANSWERED if short else PASSAGES, short_answer=short, sentences=sentences)


def _values_first(groups: list[list[Evidence]], order: list[list[int]]) -> tuple[list[list[Evidence]], list[list[int]]]:
    """The groups reordered value by value (newest value first), the rest after; `order` renumbered."""
    flat = [i for idx in order for i in idx]
    moved = flat + [i for i in range(len(groups)) if i not in flat]
    at = {old: new for new, old in enumerate(moved)}
    return [groups[i] for i in moved], [[at[i] for i in idx] for idx in order]


def _select(part: PartRanking, limit: int) -> list[Scored]:
    """The best sentence, plus close runners-up that state a different fact."""
    best = part.ranked[0].score
    chosen: list[Scored] = []
    for item in part.ranked:
        if len(chosen) == limit or (chosen and item.score < max(0.5, best * KEEP_RATIO)):
            break
        if not any(_same_fact(item, c) for c in chosen):
            chosen.append(item)
    return chosen


def _same_fact(a: Scored, b: Scored) -> bool:
    return float(a.vector @ b.vector) >= SAME_FACT and numbers(a.candidate.text) == numbers(b.candidate.text)


def _same_fact_group(item: Scored, part: PartRanking) -> list[Evidence]:
    """The chosen sentence with the same fact as other articles state it, to cite them all."""
    group, sources = [_evidence(item)], {item.candidate.hit.chunk.source}
    for other in part.ranked:
        if other.candidate.hit.chunk.source not in sources and _same_fact(item, other):
            group.append(_evidence(other))
            sources.add(other.candidate.hit.chunk.source)
    return group


def _evidence(item: Scored) -> Evidence:
    c = item.candidate
    return Evidence(c.hit, c.start, c.end, c.text)


def _notice(ranking: list[PartRanking], answered: list[PartRanking], undated: list[str]) -> str | None:
    notes = []
    for part in answered:
        names = unmet(part.info, part.ranked[0].candidate)
        if names:  # the closest passage speaks of something else: say what it does not say
            notes.append(f"The closest passage does not say this of {' or '.join(names)}.")
    missing = [p.info.asked for p in ranking if p not in answered]
    if missing:
        said = ", ".join(p.info.asked for p in answered)
        notes.append(f"The articles say {said}, not {' or '.join(missing)}.")
    if undated:
        notes.append(f"The cited article is undated, so “{undated[0]}” cannot be placed on a calendar.")
    return " ".join(notes) or None
