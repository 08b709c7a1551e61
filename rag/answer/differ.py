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
# A value is compared only when it is plainly the asked-for thing: a number with the question's own counted
# noun ("450 people" for "How many people ...?", fit 1.0; "200 workers" sent home, or "six still", fit 0.75),
# a date with its digits, a name the question's words sit at ("Orrin Falls mayor Petra Lindqvist" for "Who
# is the mayor of Orrin Falls?" fits 0.90; a name merely mentioned 0.5 or so). Found by a new user's run:
# with any span of the kind, a cost was set against a headcount, and the evacuated against the missing.
MIN_FIT = 1.0
NAME_FIT = 0.9
# Below that, another article's different number or date of the asked-for kind (fit 0.75: "47,800 tonnes"
# in 2021, "33,500 tonnes" in 2019, for "How much copper does the mine produce a year?") may still be a
# rival answer: no single value is then promised in bold, though the values are not set side by side.
CONTESTED_FIT = 0.75


@dataclass(frozen=True)
class _Value:
    text: str
    key: object
    group: int


def differing(kind: str | None, question: str, groups: list[list[Evidence]],
              min_fit: float = MIN_FIT) -> list[list[int]] | None:
    """The groups that give each value, newest value first, when the groups' articles give more than
    one value of a comparable kind; None when they agree, or the kind cannot be compared. `min_fit`:
    how plainly a number or date must be the asked-for thing to count (names: NAME_FIT)."""
    if kind not in KINDS:
        return None
    values = [v for i in _first_per_article(groups) if (v := _value(kind, question, groups[i][0], i, min_fit))]
    keys = list(dict.fromkeys(v.key for v in values))
    sources = {ev.hit.chunk.source for v in values for ev in groups[v.group]}
    if len(keys) < 2 or len(sources) < 2:
        return None
    by_key = [[v.group for v in values if v.key == k] for k in keys]
    return sorted(by_key, key=lambda idx: -max(_newest(groups[i]) for i in idx))


def _first_per_article(groups: list[list[Evidence]]) -> list[int]:
    """Each article's best-ranked sentence: what it says of the asked-for thing (its other sentences
    give other facts, never a rival value of this one)."""
    seen: set[str] = set()
    firsts = []
    for i, group in enumerate(groups):
        if group[0].hit.chunk.source not in seen:
            firsts.append(i)
        seen.update(ev.hit.chunk.source for ev in group)
    return firsts


def _value(kind: str, question: str, ev: Evidence, group: int, min_fit: float) -> _Value | None:
    span = _span(kind, question, ev)
    if span is None or span.fit < (NAME_FIT if kind in NAMES else min_fit):
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
