"""Reports differ: the best sentences from different articles give different values for the asked-for
number, date or name ("450 workers" in a 2021 story, "300" in a 2020 one). The answer then shows each value
with its outlet and date, newest first, instead of picking one; the same value from several outlets is
one value with several citations. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.cite import Evidence
from rag.answer.entities import entities
from rag.answer.facts import Span, typed_span
from rag.answer.spans import typed_span as entity_span
from rag.lexicon.calendar import When
from rag.lexicon.dates import human_date
from rag.lexicon.numbers import quantities
from rag.lexicon.words import fold
from rag.records import Citation, Reported, Sentence

KINDS = ("quantity", "money", "date", "person", "org", "place")
NAMES = ("person", "org", "place")
# A name is compared only when the question's own words sit at it ("Orrin Falls mayor Petra Lindqvist" for
# "Who is the mayor of Orrin Falls?" fits 0.90; a name the sentence merely mentions fits 0.5 or so): two
# sentences naming different people are a disagreement only when both name the one asked about.
NAME_FIT = 0.9


@dataclass(frozen=True)
class _Value:
    text: str
    key: object
    group: int


def differing(kind: str | None, question: str, groups: list[list[Evidence]]) -> list[list[int]] | None:
    """The groups that give each value, newest value first, when the groups' articles give more than
    one value of a comparable kind; None when they agree, or the kind cannot be compared."""
    if kind not in KINDS:
        return None
    values = [v for i, g in enumerate(groups) if (v := _value(kind, question, g[0], i))]
    keys = list(dict.fromkeys(v.key for v in values))
    sources = {ev.hit.chunk.source for v in values for ev in groups[v.group]}
    if len(keys) < 2 or len(sources) < 2:
        return None
    by_key = [[v.group for v in values if v.key == k] for k in keys]
    return sorted(by_key, key=lambda idx: -max(_newest(groups[i]) for i in idx))


def _value(kind: str, question: str, ev: Evidence, group: int) -> _Value | None:
    span = _span(kind, question, ev)
    if span is None or (kind in NAMES and span.fit < NAME_FIT):
        return None
    numeric = kind in ("quantity", "money")
    key = frozenset(quantities(span.text)) if numeric else fold(span.text).removeprefix("on ").strip()
    return _Value(span.text, key, group) if key else None


def _span(kind: str, question: str, ev: Evidence) -> Span | None:
    """The asked-for value in the sentence: numbers and dates by pattern, names as the entities read."""
    if kind in NAMES:
        return entity_span(kind, ev.text, question, ev.hit.date, entities(ev.text))
    return typed_span(kind, ev.text, question, ev.hit.date)


def _newest(group: list[Evidence]) -> int:
    when = When.parse(max((ev.hit.date or "" for ev in group), default=""))
    return when.bounds()[1] if when else 0


def reported(kind: str, question: str, sentences: tuple[Sentence, ...], citations: list[Citation],
             order: list[list[int]], groups: list[list[Evidence]]) -> tuple[Reported, ...]:
    """Each value once, with the markers of the sentences that give it and where it was reported."""
    out = []
    for idx in order:
        span = _span(kind, question, groups[idx[0]][0])
        markers = tuple(dict.fromkeys(m for i in idx for m in sentences[i].markers))
        first = next(c for c in citations if c.marker == markers[0])
        where = ", ".join(x for x in (first.publisher, human_date(first.date)) if x)
        out.append(Reported(span.text if span else groups[idx[0]][0].text, markers, where))
    return tuple(out)
