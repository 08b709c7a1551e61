"""Question analysis: what kind of fact is asked for, and which terms an answer must not miss."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text import (
    STOPWORDS,
    content_terms,
    has_date,
    has_quantity,
    has_statement,
    words,
)

_QUANTITY_NOUNS = r"(population|number|amount|cost|price|size|total|percentage|share|budget|sum)"
_TYPES = [  # (pattern on the lower-cased question, type); first match wins
    (r"^(how many|how much|how old|how large|how big|how long)\b", "quantity"),
    (rf"^(what|which) (is|was|are|were) the {_QUANTITY_NOUNS}\b", "quantity"),
    (r"^(when|since when|in what year|in which year|what year|what date|on what date|on which day)\b", "date"),
    (r"^(what|how) (did|does|do|has|have) .{0,60}\b(say|tell|state|announce|declare)\b(?! .{0,12}\b(is|are|was|were)\b)", "statement"),
    (r"^(who|whom|whose)\b", "person"),
    (r"^(where|in which (city|country|town|region)|which (city|country|town|region))\b", "place"),
]
_HEAD = [  # wh-phrases whose head noun names the thing asked about
    re.compile(r"^(?:what|which) (?:is|was|are|were) the ((?:[a-z-]+ ){0,2}?[a-z-]+) of\b"),
    re.compile(r"^who (?:is|was) the (?:[A-Z][\w-]* )*([a-z-]+)\b"),
    re.compile(r"^(?:which|what) (?:[A-Z][\w-]* )*((?:[a-z-]+ )?[a-z-]+) (?:did|does|do|is|are|was|were|has|have|had|will|would|can|could)\b"),
    re.compile(r"^(?:which|what) (?:[A-Z][\w-]* )*([a-z-]+) [a-z]+s the\b"),  # "which Russian general commands the ..."
    re.compile(r"^how much ([a-z-]+)\b"),
    re.compile(r"^how many ((?:[A-Za-z-]+ )?[A-Za-z-]+?)(?: (?:from|in|of|at|are|were|is|was|will|would|does|do|did|have|has|had)\b|\?|$)"),
]
_GENERIC_HEADS = {"kind", "type", "sort", "country", "countries", "city", "cities", "person", "people", "year",
                  "day", "date", "place", "area", "areas", "thing", "things", "activities", "way", "ways", "one"}
_CHECKS = {"quantity": has_quantity, "date": has_date, "statement": has_statement}


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    kind: str | None  # quantity | date | statement | person | place | None
    terms: frozenset[str]  # stemmed content words
    entities: tuple[str, ...]  # capitalised words and numbers the passage must mention
    head: str | None  # the noun the question is about ("ambassador" in "who is the Russian ambassador")

    def type_ok(self, sentence: str) -> bool:
        """Does the sentence hold the kind of fact asked for, and name the thing asked about?"""
        if self.head and not mentions(self.head, sentence):
            return False
        if self.kind in ("person", "place"):
            return _new_name(sentence, self.text)
        check = _CHECKS.get(self.kind or "")
        return check(sentence) if check else True


def analyze(question: str) -> QuestionInfo:
    """Pure analysis of one (standalone) question."""
    q = re.sub(r"^(?:and|but|so|also|then)\b[\s,]*", "", " ".join(question.split()), flags=re.I)
    q = q[:1].upper() + q[1:]
    lower = q.lower()
    kind = next((k for pattern, k in _TYPES if re.search(pattern, lower)), None)
    return QuestionInfo(q, kind, frozenset(content_terms(q)), _entities(q), _head(q))


def _entities(question: str) -> tuple[str, ...]:
    tokens = re.findall(r"[A-Za-zА-Яа-я][\w’'-]*|\d[\d,.]*(?:st|nd|rd|th)?", question)
    out = []
    for i, tok in enumerate(tokens):
        word = re.sub(r"['’]s$", "", tok).rstrip(".,")
        if word[0].isdigit() or (i > 0 and word[0].isupper() and word.lower() not in STOPWORDS):
            out.append(word)
    return tuple(dict.fromkeys(out))


def _head(question: str) -> str | None:
    q = question[0].lower() + question[1:] if question else question
    for pattern in _HEAD:
        m = pattern.search(q)
        if m:
            head = m.group(1).split()[-1]
            if head[0].isupper() or head in _GENERIC_HEADS or head in STOPWORDS:
                return None  # a name is checked as an entity; "which country" only sets the type
            return head
    return None


def _new_name(sentence: str, question: str) -> bool:
    """A capitalised word (not opening the sentence) that the question does not already contain."""
    asked = {w.lower()[:5] for w in words(question)}
    names = re.findall(r"(?<=[\w,;:)] )[A-Z][a-z][\w-]*", sentence)
    return any(n.lower()[:5] not in asked for n in names)


def mentions(entity: str, text: str) -> bool:
    """Is `entity` in `text`? Names match on their first five letters (Russia/Russian, Tajik/Tajikistan)."""
    if entity[0].isdigit():
        return entity.replace(",", "") in {w.replace(",", "") for w in words(text)}
    stem = entity.lower()[:5]
    return any(w.startswith(stem) for w in words(text))
