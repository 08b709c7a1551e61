"""Time in the question: "in 2020", "as of March 2021", "before 2019", "after the 2017 visit", "now".

A question that names a time is answered from the facts of that time: passages whose article is
dated in it, or that name a year in it. A question that asks for the present ("now", "currently",
"latest", "most recent") puts the newest dated fact first. Pure: the service applies it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from rag.lexicon.calendar import MONTH, When, month_number
from rag.records import Filters

_PERIOD = rf"(?:(?P<month>{MONTH})\.?\s+)?(?P<year>(?:1[89]|20)\d{{2}})"
_SCOPED = re.compile(rf"\b(?P<word>in|during|as of|by|before|after|since|until|till)\s+(?P<the>the\s+)?{_PERIOD}"
                     r"(?!\s*(?:-|–|to)\s*\d)(?P<event>\s+[a-z]\w*)?", re.IGNORECASE)
_BETWEEN = re.compile(rf"\b(?:between|from)\s+(?P<a>(?:{MONTH}\.?\s+)?(?:1[89]|20)\d{{2}})\s+(?:and|to|until)\s+"
                      rf"(?P<b>(?:{MONTH}\.?\s+)?(?:1[89]|20)\d{{2}})\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(?:now|currently|current|at present|presently|these days|latest|most recent(?:ly)?)\b",
                      re.IGNORECASE)
T = TypeVar("T")
NEAR_BEST = 0.85  # among sentences within this ratio of the best, the present is the newest


@dataclass(frozen=True)
class Timeframe:
    """The time a question speaks for: ISO prefixes bounding it (inclusive), and whether it asks
    for the present; `said` is how the question put it."""

    said: str
    date_from: str | None = None
    date_to: str | None = None
    latest: bool = False

    @property
    def bounded(self) -> bool:
        return bool(self.date_from or self.date_to)

    def filters(self, base: Filters | None) -> Filters:
        """The user's filters narrowed to this time (the later start, the earlier end)."""
        base = base or Filters()
        start = max((x for x in (base.date_from, self.date_from) if x), key=lambda x: _start(x), default=None)
        end = min((x for x in (base.date_to, self.date_to) if x), key=lambda x: _end(x), default=None)
        return Filters(base.sources, base.publishers, start, end)


def timeframe(question: str) -> Timeframe | None:
    """The time `question` names, or None when it names none."""
    if m := _BETWEEN.search(question):
        return Timeframe(m.group(0), _iso(m.group("a")), _iso(m.group("b")))
    latest = bool(_PRESENT.search(question))
    if not (m := _SCOPED.search(question)):
        return Timeframe(_PRESENT.search(question).group(0), latest=True) if latest else None
    word, period = m.group("word").lower(), _iso(f"{m.group('month') or ''} {m.group('year')}")
    event = bool(m.group("the") and m.group("event"))  # "after the 2017 visit": some day of 2017, so 2017 counts
    start, end = {"before": (None, period if event else _shift(period, -1)),
                  "after": (period if event else _shift(period, 1), None),
                  "since": (period, None)}.get(word, (None, period) if word in ("as of", "by", "until", "till")
                                                 else (period, period))
    return Timeframe(m.group(0).strip(), start, end, latest or word in ("as of", "by", "until", "till"))


def span_in_time(frame: Timeframe | None, span: str, sentence: str) -> bool:
    """Is the span of the asked-for time? In "Russia's chairmanship in 2017 and Tajikistan's in 2018",
    asked of 2018, the span's year must be in the frame: the first year written after it ("X in 2018"),
    else the last before it ("In 2018, X"). A sentence naming no year is of its article's date, which
    the candidate filter already held to the frame."""
    at = sentence.find(span)
    years = list(re.finditer(r"\b(?:1[89]|20)\d{2}\b", sentence))
    if frame is None or not frame.bounded or at < 0 or not years:
        return True
    after = [m for m in years if m.start() >= at + len(span)]
    return within(frame, (after[0] if after else years[-1]).group(0))


def _iso(text: str) -> str:
    """ "March 2021" -> "2021-03"; "2020" -> "2020"."""
    parts = text.replace(".", " ").split()
    year = next(p for p in parts if p.isdigit() and len(p) == 4)
    month = next((month_number(p) for p in parts if month_number(p)), None)
    return f"{year}-{month:02d}" if month else year


def _shift(iso: str, step: int) -> str:
    """The period next to `iso` ("2020" +1 -> "2021"; "2021-01" -1 -> "2020-12")."""
    when = When.parse(iso)
    if when.month is None:
        return str(when.year + step)
    months = when.year * 12 + when.month - 1 + step
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def within(frame: Timeframe, date: str | None) -> bool:
    """Is an article date (ISO, any precision) inside the frame? Undated: no."""
    when = When.parse(date)
    if when is None or when.year is None:
        return False
    low, high = when.bounds()
    start = When.parse(frame.date_from).bounds()[0] if frame.date_from else 0
    end = When.parse(frame.date_to).bounds()[1] if frame.date_to else 99999999
    return low <= end and high >= start


def names_time_in(frame: Timeframe, text: str) -> bool:
    """Does `text` name a year inside the frame (a fact dated by its own words, in an article of another year)?"""
    return any(within(frame, y) for y in re.findall(r"\b(?:1[89]|20)\d{2}\b", text))


def of_frame(frame: Timeframe, date: str | None, text: str) -> bool:
    """Is a passage or sentence (`text`, its article dated `date`) of the frame's time?"""
    return within(frame, date) or names_time_in(frame, text)


def newest_first(scored: list[T], date_of: Callable[[T], str | None], score_of: Callable[[T], float]) -> list[T]:
    """Among the items scoring within NEAR_BEST of the best (best first), the newest dated first; the
    rest after, in their order. Undated items count as oldest."""
    if not scored:
        return scored
    best = score_of(scored[0])
    near = [s for s in scored if score_of(s) >= best * NEAR_BEST]
    rest = [s for s in scored if score_of(s) < best * NEAR_BEST]
    return sorted(near, key=lambda s: -_end(date_of(s))) + rest


def _start(date: str | None) -> int:
    when = When.parse(date)
    return when.bounds()[0] if when else 0


def _end(date: str | None) -> int:
    """The last day a date spans (YYYYMMDD); 0 when undated, so the undated sort as oldest."""
    when = When.parse(date)
    return when.bounds()[1] if when else 0
