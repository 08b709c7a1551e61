"""Relative dates: "on Wednesday" in a quoted sentence, resolved against its article's date.

A "when" answer that says "on Wednesday" tells the reader nothing unless the article's date
places it: "on Wednesday [19 May 2021]". Notes are added to the answer text, never to the
quote, and `strip_notes` removes them before a sentence is checked against its quote.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from rag.lexicon.calendar import MONTH_NAMES, WEEKDAYS, When

_EXPR = re.compile(r"\b(?:(last|next|this|earlier this) )?(yesterday|today|tonight|overnight|night|week|month|year|"
                   + "|".join(WEEKDAYS) + r")\b(?: (morning|afternoon|evening|night))?", re.I)
_NAMED = "|".join(MONTH_NAMES)
NOTE = re.compile(rf" \[(?:week of )?(?:\d{{1,2}} )?(?:(?:{_NAMED}) )?(?:\d{{4}}|{_NAMED})\]")


def strip_notes(text: str) -> str:
    """The text without the date notes `annotate` added."""
    return NOTE.sub("", text)


def date_notes(sentence: str, article_date: str | None) -> tuple[tuple[str, str], ...]:
    """Each relative date of `sentence` that the article's date resolves, with the date it means."""
    # a date the sentence writes itself ("on Wednesday, 8 August 2018") is not said again in a note
    return tuple((m.group(0), note) for m in _EXPR.finditer(sentence)
                 if _relative(m) and (note := resolve(m.group(0), article_date)) is not None and note not in sentence)


def annotate(sentence: str, article_date: str | None) -> tuple[str, list[str]]:
    """(sentence with each relative date followed by its date, the relative dates left unresolved)."""
    out, unresolved, pos = [], [], 0
    for m in _EXPR.finditer(sentence):
        if not _relative(m):
            continue
        note = resolve(m.group(0), article_date)
        if note is None:
            unresolved.append(m.group(0))
            continue
        out.append(sentence[pos:m.end()] + f" [{note}]")
        pos = m.end()
    return "".join(out) + sentence[pos:], unresolved


def _relative(m: re.Match) -> bool:
    word = m.group(2).lower()
    # "night", "week", "month" and "year" alone ("a year") are durations, not dates.
    return word in ("yesterday", "today", "tonight", "overnight") or word in WEEKDAYS or bool(m.group(1))


def resolve(expr: str, article_date: str | None) -> str | None:
    """The calendar date `expr` means in an article of `article_date` (ISO, any precision), or None."""
    d = _parse(article_date)
    m = _EXPR.fullmatch(re.sub(r"^(?:on|late|early) ", "", expr.strip(), flags=re.I))
    if d is None or m is None:
        return None
    mod, word = (m.group(1) or "").lower(), m.group(2).lower()
    day, has_year = d
    if word in ("week", "month", "year"):
        return _period(mod, word, day, has_year)
    if word in ("today", "tonight", "overnight"):
        target = day
    elif word == "yesterday" or (word == "night" and mod == "last"):
        target = day - timedelta(days=1)
    elif word in WEEKDAYS:
        delta = (day.weekday() - WEEKDAYS.index(word)) % 7
        if mod == "next":
            target = day + timedelta(days=(WEEKDAYS.index(word) - day.weekday()) % 7 or 7)
        else:
            target = day - timedelta(days=delta or (7 if mod == "last" else 0))
        if not has_year:
            return None  # a weekday needs the year to be placed
    else:
        return None
    return f"{target.day} {MONTH_NAMES[target.month - 1]}" + (f" {target.year}" if has_year else "")


def _period(mod: str, word: str, day: date, has_year: bool) -> str | None:
    if not has_year or mod not in ("last", "next", "this", "earlier this"):
        return None
    step = {"last": -1, "next": 1}.get(mod, 0)
    if word == "year":
        return str(day.year + step)
    if word == "month":
        month = (day.month - 1 + step) % 12
        year = day.year + (day.month - 1 + step) // 12
        return f"{MONTH_NAMES[month]} {year}"
    monday = day - timedelta(days=day.weekday()) + timedelta(weeks=step)
    return f"week of {monday.day} {MONTH_NAMES[monday.month - 1]} {monday.year}"


def _parse(iso: str | None) -> tuple[date, bool] | None:
    """(date, whether the year is known), for dates precise to the day; None otherwise: a month or a
    year is too coarse for any relative expression we resolve."""
    when = When.parse(iso)
    day = when.on() if when else None
    return (day, when.year is not None) if day else None
