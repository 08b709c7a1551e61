"""Facts in a sentence: the span that answers a kind of question (a number, a date, a name).

`short_answer(kind, sentence, question)` finds the span; a sentence holds the kind of fact
asked for when it has one. Pure and shared by the ranker's features and the answer's opening.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text import fold

_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMWORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
            r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
            r"a hundred|hundreds|a thousand|thousands|dozens|a dozen|millions|half|a quarter|a third)")
_SCALE = r"(?:\s?(?:hundred|thousand|million|billion|trillion|m|bn|per cent|percent|%))*"
_NUMBER = rf"(?:(?:about|around|some|nearly|almost|more than|over|up to|at least|less than|fewer than|just over|just under)\s)?(?:\d[\d,.]*{_SCALE}|{_NUMWORD}{_SCALE})"
_UNIT = r"(?:\s(?:[a-z][a-z-]+)){0,1}"  # the counted noun: "7,000 troops"
_MONEY = re.compile(rf"(?:[$£€¥]|US\$|A\$|AUD\s?|USD\s?)\s?\d[\d,.]*{_SCALE}|\d[\d,.]*{_SCALE}\s(?:dollars|pounds|euros|roubles|rubles|yen|cents)", re.I)
_QUANTITY = re.compile(rf"\b{_NUMBER}{_UNIT}(?![\w-])(?!\s?(?:st|nd|rd|th)\b)", re.I)
_YEAR = re.compile(r"^(1[89]|20)\d{2}$")
_RELATIVE = (r"(?:yesterday|today|tonight|this (?:morning|afternoon|evening|week|month|year)|"
             r"last (?:night|week|month|year|weekend|" + _DAYS + r")|next (?:week|month|year|" + _DAYS + r")|"
             r"(?:on |late |early )?" + _DAYS + r"(?: (?:morning|afternoon|evening|night))?|"
             r"earlier this (?:week|month|year)|overnight)")
_DATE = re.compile(
    rf"\b(?:(?:on |in |since |until |by )?(?:{_DAYS},? )?\d{{1,2}}(?:st|nd|rd|th)? {_MONTHS}(?:,? \d{{4}})?"
    rf"|(?:on |in |since |until |by )?{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?"
    rf"|(?:in |since |until |by )?(?:{_MONTHS} )?(?:1[89]|20)\d{{2}}s?"
    rf"|{_RELATIVE})\b", re.I)
_NAME = r"[A-Z][\w'’.-]*(?:\s(?:(?:de|van|von|al|bin|du|la|le)\s)?[A-Z][\w'’.-]*)*"
_TITLES = r"(?:Mr|Mrs|Ms|Dr|Sir|Senator|Sen\.|President|Prime Minister|Minister|Premier|Judge|Justice|Captain|Coach|Chief|General|Gen\.|Colonel|Inspector|Superintendent|Professor|Pope|King|Queen|Prince|Princess)"
_NAMED = re.compile(rf"(?:{_TITLES}\s)?{_NAME}")
_PLACE = re.compile(rf"\b(?:in|at|near|from|to|into|outside|across|off|around|towards|inside) (?:the )?(?P<name>{_NAME})")
_REASON = re.compile(r"\b(because|since|after|due to|owing to|as a result|following|over|amid|in protest|"
                     r"in order to|to (?:help|protect|prevent|stop|avoid|ensure|support|counter)|so that|"
                     r"blamed|caused|led to|prompted|reason|result of)\b", re.I)
_SAID = re.compile(r"[\"“”]|\b(said|says|told|stated|stressed|noted|added|announced|declared|described)\b")
_LEADING_WORDS = {"The", "A", "An", "But", "And", "In", "On", "At", "He", "She", "It", "They", "This", "That",
                  "Mr", "Mrs", "Ms", "We", "I", "There", "If", "When", "While", "After", "Before", "As"}


def short_answer(kind: str | None, sentence: str, question: str = "") -> str | None:
    """The words of `sentence` that answer a `kind` question, or None when it holds no such fact."""
    finder = _FINDERS.get(kind or "")
    return finder(sentence, question) if finder else None


def known(kind: str | None) -> bool:
    """Can `holds` tell whether a sentence has this kind of fact?"""
    return kind in _FINDERS or kind in ("reason", "statement")


def holds(kind: str | None, sentence: str, question: str = "") -> float:
    """1.0 when the sentence holds the kind of fact asked for, 0.5 when the kind is unknown, else 0."""
    if kind in ("reason", "statement"):
        return float(bool((_REASON if kind == "reason" else _SAID).search(sentence)))
    if kind not in _FINDERS:
        return 0.5
    return float(short_answer(kind, sentence, question) is not None)


def _new(span: str, question: str) -> bool:
    """A span the question does not already name (answering "Who met Putin?" with "Putin" is no answer)."""
    asked = _asked(question)
    return any(fold(w)[:5] not in asked for w in re.findall(r"[\w'’-]+", span) if w[:1].isupper() or w[:1].isdigit())


@lru_cache(maxsize=256)
def _asked(question: str) -> frozenset[str]:
    # Every span of every candidate sentence is checked against the same question.
    return frozenset(fold(w)[:5] for w in re.findall(r"[\w'’-]+", question))


def _first(pattern: re.Pattern, sentence: str, question: str, keep=lambda s: True) -> str | None:
    for m in pattern.finditer(sentence):
        span = m.group(0).strip(" ,.")
        if span and keep(span) and _new(span, question):
            return span
    return None


def _quantity(sentence: str, question: str) -> str | None:
    text = re.sub(r"\bNo\.\s*\d+", " ", sentence)  # "base No. 201" names a thing, it counts nothing
    money = _first(_MONEY, text, question)
    if money:
        return money
    return _first(_QUANTITY, text, question, lambda s: not _YEAR.match(s.split()[0]) and not _is_date_number(s, text))


def _is_date_number(span: str, sentence: str) -> bool:
    at = sentence.find(span)
    around = sentence[max(0, at - 12):at + len(span) + 12]
    return bool(re.search(rf"{_MONTHS}\s\d|\d\s{_MONTHS}", around)) and len(span.split()) <= 2


def _money(sentence: str, question: str) -> str | None:
    return _first(_MONEY, sentence, question) or _quantity(sentence, question)


def _date(sentence: str, question: str) -> str | None:
    # A date the question already gives ("what happened in 2001?") answers nothing.
    for m in _DATE.finditer(sentence):
        span = m.group(0).strip(" ,.")
        if span and fold(span) not in fold(question):
            return span
    return None


def _name(pattern: re.Pattern, sentence: str, question: str) -> str | None:
    for m in pattern.finditer(sentence):
        span = (m.groupdict().get("name") or m.group(0)).strip(" ,.")
        first = span.split()[0] if span else ""
        if sentence.startswith(span) or (first in _LEADING_WORDS and len(span.split()) == 1):
            continue  # a capital that opens the sentence is no name by itself
        if _DATE.fullmatch(span) or re.fullmatch(_MONTHS + "|" + _DAYS, span):
            continue
        if _new(span, question):
            return span
    return None


_PERSON_NAME = re.compile(rf"(?<!\bin )(?<!\bat )(?<!\bfrom )(?<!\bto )(?:{_TITLES}\s{_NAME}|[A-Z][\w'’.-]*(?:\s(?:(?:de|van|von|al|bin|du|la|le)\s)?[A-Z][\w'’.-]*)+)")


def _person(sentence: str, question: str) -> str | None:
    # A person is a full name or a titled one ("Senator Greig"); a lone capital is too often a place.
    return _name(_PERSON_NAME, sentence, question)


def _place(sentence: str, question: str) -> str | None:
    return _name(_PLACE, sentence, question) or _name(_NAMED, sentence, question)


def _org(sentence: str, question: str) -> str | None:
    return _name(_NAMED, sentence, question)


_FINDERS = {"quantity": _quantity, "money": _money, "date": _date, "person": _person, "place": _place,
            "org": _org}
