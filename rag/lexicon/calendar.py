"""Months and weekdays by name, and `When`: a date as every part passes it on, with its precision.

A stored date is ISO 8601 text whose shape is its precision: '2017-02-27' (day), '2017-02' (month),
'2017' (year) or '--02-27' (a day whose year the article never gives). `When.parse` is the one
reader of that text, from the article's record to the citation's year, so no part guesses a year
or a day that was not written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday() order
_SHORT = {"sept": 9, **{name[:3].lower(): n for n, name in enumerate(MONTH_NAMES, 1)}}
MONTH_NUMBERS = {**_SHORT, **{name.lower(): n for n, name in enumerate(MONTH_NAMES, 1)}}
# Abbreviations a full stop follows without ending the sentence ("Feb. 27"); "may" is a word too.
MONTH_ABBREVIATIONS = frozenset(_SHORT) - {"may"}
# Regex fragments (no groups; case as written, callers add re.I): a month name or its abbreviation, a weekday.
MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
        r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?|--(\d{2})-(\d{2})")


def month_number(name: str) -> int | None:
    """1-12 for a month's name or abbreviation ("Feb.", "sept", "March"); None otherwise."""
    return MONTH_NUMBERS.get(name.lower().rstrip("."))


@dataclass(frozen=True)
class When:
    """A date as precise as it was written: a year, a month of a year, a day of a year, or a day
    of a month in a year the text never gives (year None)."""

    year: int | None
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, iso: str | None) -> When | None:
        """The date a stored ISO text means; None for anything else, or a day no calendar has."""
        m = ISO.fullmatch(iso or "")
        if not m:
            return None
        y, mo, d, bare_month, bare_day = m.groups()
        when = cls(None, int(bare_month), int(bare_day)) if bare_month else \
            cls(int(y), int(mo) if mo else None, int(d) if d else None)
        return when if when.valid() else None

    def valid(self) -> bool:
        try:  # 2000 is a leap year: 29 February stands when the year is unknown
            dt.date(_or(self.year, 2000), _or(self.month, 1), _or(self.day, 1))
        except ValueError:
            return False
        return self.year is not None or self.day is not None

    @property
    def precision(self) -> str:
        """day | month | year | month-day (the year not given): what records and filters call it."""
        if self.year is None:
            return "month-day"
        return "day" if self.day else "month" if self.month else "year"

    @property
    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return "-".join(parts)

    def bounds(self) -> tuple[int, int]:
        """The dated interval as YYYYMMDD integers for range filters; (0, 0) when the year is unknown."""
        if self.year is None:
            return 0, 0
        y = self.year * 10000
        if self.month is None:
            return y + 101, y + 1231
        return y + self.month * 100 + (self.day or 1), y + self.month * 100 + (self.day or 31)

    def on(self) -> dt.date | None:
        """The calendar day, for dates precise to the day (in the leap year 2000 when the year is unknown)."""
        return dt.date(self.year or 2000, self.month, self.day) if self.day else None

    def human(self) -> str:
        """As readers write it: '27 February 2017', 'February 2017', '2017', '24 April (year not given)'."""
        named = MONTH_NAMES[self.month - 1] if self.month else ""
        year = f"{self.year:04d}" if self.year is not None else "(year not given)"
        return " ".join(str(part) for part in (self.day, named, year) if part)


def _or(part: int | None, default: int) -> int:
    return default if part is None else part  # 0 is a part, and an invalid one


def year_of(iso: str | None) -> str | None:
    """The year a stored date gives ('2017'), or None: undated, or a day whose year is unknown."""
    when = When.parse(iso)
    return str(when.year) if when and when.year is not None else None
