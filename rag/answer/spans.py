"""The short answer itself: the named entity of the asked-for type in the answering sentence.

rag.answer.facts finds spans by patterns, cheaply, for every candidate sentence; here the sentence's
named entities (rag.answer.entities) decide what a span is: a person, a place, a date, an amount. The
type comes from the question ("who" a person or an organisation, "which minister" a person, "which
city" a city or country, "how long" a duration), and of several entities of that type the one whose
surroundings fit the question best is the answer. Pure: the entities come in.
"""

from __future__ import annotations

import re
from typing import Sequence

from rag.answer.entities import Entity
from rag.answer.facts import (
    DAYS,
    FINDERS,
    MONTHS,
    NUMWORD,
    Span,
    asked,
    best,
    counted_noun,
    dated,
    near_question,
    trim,
    with_noun,
)
from rag.lexicon.words import fold, stem


def typed_span(kind: str | None, sentence: str, question: str, date: str | None, ents: Sequence[Entity]) -> Span | None:
    """The entity of `sentence` (its article dated `date`) that answers a `kind` question, or None."""
    if kind not in FINDERS:
        return None
    return best(_entity_spans(kind, sentence, question, date, ents), question)


# The entity types that answer each kind of question, and how well each fits.
_LABELS = {"quantity": {"CARDINAL": 1.0, "QUANTITY": 1.0, "PERCENT": 1.0, "MONEY": 0.75},
           "money": {"MONEY": 1.0}, "date": {"DATE": 1.0, "TIME": 0.5},
           "person": {"PERSON": 1.0, "ORG": 0.75}, "place": {"GPE": 1.0, "LOC": 1.0, "FAC": 1.0},
           "org": {"ORG": 1.0}}
_MEASURES = {"how long": {"DATE": 1.0, "TIME": 1.0, "QUANTITY": 0.75}, "how old": {"DATE": 1.0, "CARDINAL": 1.0},
             "how far": {"QUANTITY": 1.0}}
_POINT_IN_TIME = re.compile(rf"\b(?:{MONTHS}|{DAYS})(?!\w)|\b(?:1[89]|20)\d\d\b|\b(?:yesterday|today|tonight|ago|last|next|"
                            rf"this|earlier|overnight|morning|afternoon|evening|night)\b", re.I)


_LOCATIVE = re.compile(r"\b(?:in|at|near|inside|outside|across|around|off|into)\s+(?:the\s+)?"
                       r"(?P<side>(?:north|south|east|west|central)(?:ern|-eastern|-western)?|)\s*$", re.I)


_ASKS_YEAR = re.compile(r"\b(?:what|which) year\b|\bsince when\b", re.I)
_SETTLEMENT = re.compile(r"^(?:in )?(?:which|what) (?:city|town|village|capital|country|countries|state|province|nation)\b")


def _labels(kind: str, question: str) -> dict[str, float]:
    """The entity types a question of `kind` asks for: "who" a person or an organisation, "which
    minister" a person only; "which city" a city, country or state, not a region; "how long" a duration."""
    measure = next((m for m in _MEASURES if m in question), None)
    if kind == "quantity" and measure:
        return _MEASURES[measure]
    if kind == "person" and not re.match(r"who\b", question):  # "whom", "whose", "which minister": a person
        return {"PERSON": 1.0}
    if kind == "place" and _SETTLEMENT.match(question):
        return {"GPE": 1.0}
    return _LABELS[kind]


_TITLE_CHAIN = re.compile(r"(?:[A-Z][\w'’.-]*\s+)+$")


def _other_country(sentence: str, person: Entity, ents: Sequence[Entity], question: str) -> bool:
    """Does the title before a name belong to a country the question does not ask about? "Russian
    Foreign Minister Sergei Lavrov" does not answer "Who is Tajikistan's foreign minister?"."""
    chain = _TITLE_CHAIN.search(sentence[:person.start])
    if not chain:
        return False
    named = asked(question)
    owners = [e for e in ents if e.label in ("NORP", "GPE") and e.start >= chain.start() and e.end <= person.start]
    return bool(owners) and not any(fold(w)[:5] in named for e in owners for w in e.text.split())


def _entity_spans(kind: str, sentence: str, question: str, date: str | None, ents: Sequence[Entity]) -> list[Span]:
    """Entities of the asked-for type, each with its fit: the type's weight times how well the words
    around it fit the question; a count also wants the counted noun beside it."""
    labels = _labels(kind, question.lower())
    measure = kind == "quantity" and labels is not _LABELS["quantity"]
    noun = counted_noun(question) if kind == "quantity" and not measure else None
    out = []
    for e in ents:
        if e.label not in labels or (kind == "date" and not _POINT_IN_TIME.search(e.text)):
            continue
        if kind == "date" and _ASKS_YEAR.search(question) and not re.search(r"\b(?:1[89]|20)\d\d\b", e.text):
            continue  # "In what year …?" is answered by a year, not by "Monday"
        text = trim(e.text)
        if kind == "quantity" and not re.search(rf"\d|{NUMWORD}", text, re.I):
            continue
        if kind == "person" and _other_country(sentence, e, ents, question):
            continue
        near = near_question(sentence, e.start, e.end, question)
        fit = labels[e.label] * (0.5 + 0.5 * near)
        if kind == "place":  # where something is or happened: "in northern Iraq", not "ties to Tehran"
            lead = _LOCATIVE.search(sentence[max(0, e.start - 24):e.start])
            text = f"{lead.group('side')} {text}" if lead and lead.group("side") else text
            fit *= 1.0 if lead else 0.8
        if noun:
            text = with_noun(text, sentence, e.start + e.text.find(text), noun)
            fit *= 1.0 if stem(text.split()[-1].lower()) == noun else 0.6
        out.append(Span(dated(text, date, keep=True) if kind == "date" else text, round(fit, 3)))
    return out
