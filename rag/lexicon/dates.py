"""Find an article's publication date in its text, without ever guessing a missing year."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rag.errors import InputError
from rag.lexicon.calendar import ISO, MONTH, WEEKDAY, When, month_number

_MON = f"({MONTH})"
_FORMS = [  # (regex, group order) tried in order; the year-less form comes last
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "ymd"),
    (re.compile(rf"\b(\d{{1,2}})\s+{_MON}\.?,?\s+(\d{{4}})\b", re.I), "dmy"),
    (re.compile(rf"\b{_MON}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), "mdy"),
    (re.compile(rf"\b(\d{{1,2}}){_MON}(\d{{2}}|\d{{4}})\b", re.I), "dmy"),  # 27Feb17
    (re.compile(rf"\b{_MON}\s+(\d{{4}})\b", re.I), "my"),
    (re.compile(rf"\b{_MON}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)", re.I), "md"),
]
_TRAP = re.compile(r"\b(last\s+updated|updated|accessed|retrieved|printed|downloaded)\b", re.I)
_LABELED = re.compile(r"^\s*(publication\s+date|date\s+published|published|posted|date)\b\s*:?\s*(.+)$", re.I)
_SOURCE = re.compile(r"^\s*\[?\s*source\s*:\s*(.+?)\]?\s*$", re.I)
_DATELINE = re.compile(rf"^\s*[A-Z][A-Za-z .'-]{{1,40}},\s+({_MON}\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?)\s*(?:\(|[-–—])")
_REPRINT = re.compile(r"\bpublished\s+on\s+(.+)$", re.I)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\(c\)\s*)?(\d{4})(?:\s*[-–]\s*(\d{4}))?", re.I)
HEADER_LINES = 12  # the lines a story's dateline, byline and source line stand in


@dataclass(frozen=True)
class FoundDate:
    when: When  # with its precision: day | month | year | month-day
    evidence: str  # publication-line | source-line | outlet-line | dateline | html-meta | reprint-line | copyright

    @property
    def iso(self) -> str:
        return self.when.iso

    @property
    def precision(self) -> str:
        return self.when.precision


def parse_date(text: str) -> tuple[str, str] | None:
    """The first date written in `text` as (ISO 8601, precision); None when there is none."""
    when = find_date(text)
    return (when.iso, when.precision) if when else None


def find_date(text: str) -> When | None:
    """The first date written in `text`, as precise as it is written; None when there is none."""
    for pattern, order in _FORMS:
        for m in pattern.finditer(text):
            when = _when(m.groups(), order)
            if when:
                return when
    return None


_YEAR_FIRST = re.compile(r"\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T\s].*)?", re.S)


def read_date(value: str) -> When | None:
    """A date field's value (a collection row's): 2020, 2020-03, 2020-03-03T10:00:00Z, 2020/03/03, Unix
    seconds or milliseconds (1583229600), else the first date written in it ("Tue, 03 Mar 2020 10:00 GMT");
    None when it holds none. "03/04/2020" is None: the month and the day cannot be told apart."""
    m = _YEAR_FIRST.fullmatch(value)
    if m:
        when = When(*(int(g) if g else None for g in m.groups()))
        return when if when.valid() and 1800 <= (when.year or 0) <= 2200 else None
    if re.fullmatch(r"\s*\d{9,13}(?:\.\d+)?\s*", value):
        stamp = float(value) / (1000 if float(value) > 1e11 else 1)  # milliseconds as JavaScript writes them
        day = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()
        return When(day.year, day.month, day.day)
    return find_date(value)


def _when(groups: tuple[str, ...], order: str) -> When | None:
    parts = dict(zip(order, groups))
    month = int(parts["m"]) if parts["m"].isdigit() else month_number(parts["m"])
    year = int(parts["y"]) if "y" in parts else None
    if year is not None and year < 100:
        year += 2000 if year < 70 else 1900  # two-digit years as news sites print them ("27Feb17")
    if year is not None and not 1800 <= year <= 2200:
        return None
    when = When(year, month, int(parts["d"]) if "d" in parts else None)
    return when if month and when.valid() else None


def find_publication_date(lines: list[str], meta_date: str | None = None) -> FoundDate | None:
    """Strongest date evidence in the article's lines; "Last updated"/"accessed" dates never count.
    A dateline without its year takes the year of the same day written in full elsewhere in the
    article, else gives way to the date the page's metadata declares with its year."""
    usable = [ln for ln in lines if not _TRAP.search(ln)]
    meta = find_date(meta_date) if meta_date else None
    for finder in (_labeled, _source_line, _outlet_line, _dateline, _standalone):
        found = finder(usable)
        if found and found.when.year is None:
            found = _with_year(found, usable) or (FoundDate(meta, "html-meta") if meta and meta.year else found)
        if found:
            return found
    if meta:
        return FoundDate(meta, "html-meta")
    return _reprint(usable) or _copyright(usable)


def _with_year(found: FoundDate, lines: list[str]) -> FoundDate | None:
    """The yearless date, dated by the same month and day written with a year in the article."""
    for line in lines:
        for pattern, order in _FORMS[:3]:
            for m in pattern.finditer(line):
                when = _when(m.groups(), order)
                if when and (when.month, when.day) == (found.when.month, found.when.day):
                    return FoundDate(when, found.evidence)
    return None


_SEPARATORS = re.compile(r"\s+[|•·]\s+")
_OUTLET_WORD = re.compile(r"^(?:[A-Z][A-Za-z&.'’/-]*|of|the|and|for|de|la|&)$")  # "Radio Free Europe/Radio Liberty"


def outlet_line(line: str) -> tuple[str, When] | None:
    """(outlet, date) of a line news prints under or above a story that names its outlet and its
    date and nothing else: "Valley Courier, 3 March 2020", "By Jane Smith | Reuters | March 3, 2020".
    A name in capitals alone is a city's dateline, not an outlet."""
    parts = [p.strip() for p in _SEPARATORS.split(line.strip())]
    if len(parts) == 1:
        parts = [p.strip() for p in line.strip().split(",", 1)]
    dates = [(p, when) for p in parts if is_date_line(p) and (when := find_date(p))]
    names = [p for p in parts if _is_outlet_name(p) and p not in dict(dates)]
    if len(parts) < 2 or len(dates) != 1 or not names or len(dates) + len(names) + _bylines(parts) != len(parts):
        return None
    return names[0], dates[0][1]


def _is_outlet_name(text: str) -> bool:
    """Up to six capitalised words ("Valley Courier", "The Northern Ledger"); not a byline, and not
    a name in capitals alone (a city's dateline)."""
    words = text.split()
    return (0 < len(words) <= 6 and words[0].lower() != "by" and not text.isupper()
            and not re.fullmatch(WEEKDAY, text, re.I) and all(_OUTLET_WORD.match(w) for w in words))


def _bylines(parts: list[str]) -> int:
    return sum(bool(re.match(r"by\s+\w", p, re.I)) for p in parts)


def _outlet_line(lines: list[str]) -> FoundDate | None:
    for line in lines[:HEADER_LINES]:
        if found := outlet_line(line):
            return FoundDate(found[1], "outlet-line")
    return None


def _first(lines: list[str], pattern: re.Pattern, evidence: str) -> FoundDate | None:
    for line in lines:
        m = pattern.search(line)
        if m and (when := find_date(m.group(m.lastindex or 0))):
            return FoundDate(when, evidence)
    return None


def _labeled(lines: list[str]) -> FoundDate | None:
    return _first(lines, _LABELED, "publication-line")


def _source_line(lines: list[str]) -> FoundDate | None:
    return _first(lines, _SOURCE, "source-line")


def _dateline(lines: list[str]) -> FoundDate | None:
    return _first(lines[:HEADER_LINES * 2], _DATELINE, "dateline")


def _standalone(lines: list[str]) -> FoundDate | None:
    for line in lines[:HEADER_LINES]:
        if is_date_line(line) and (when := find_date(line)):
            return FoundDate(when, "dateline")
    return None


def _reprint(lines: list[str]) -> FoundDate | None:
    return _first(lines, _REPRINT, "reprint-line")


def _copyright(lines: list[str]) -> FoundDate | None:
    for line in lines:
        m = _COPYRIGHT.search(line)
        if m:
            return FoundDate(When(int(m.group(2) or m.group(1))), "copyright")
    return None


def is_date_line(line: str) -> bool:
    """A line that holds a date and nothing else (a weekday or time may stand beside it)."""
    rest = line
    for pattern, _ in _FORMS[:5]:
        rest = pattern.sub("", rest)
    rest = re.sub(rf"\b{WEEKDAY}\b|\d{{1,2}}:\d{{2}}|\b(gmt|utc|am|pm)\b", "", rest, flags=re.I)
    return rest != line and not re.search(r"\w", rest)


def date_bounds(iso: str | None, precision: str | None) -> tuple[int, int]:
    """The dated interval as YYYYMMDD integers for range filters; (0, 0) when undated or year unknown."""
    when = When.parse(iso)
    return when.bounds() if when and precision else (0, 0)


def parse_iso_prefix(value: str, field: str) -> tuple[str, str]:
    """'2017', '2017-02' or '2017-02-27' as (iso, precision); InputError naming `field` otherwise."""
    when = When.parse(value.strip())
    if when is None or when.year is None:
        shaped = ISO.fullmatch(value.strip())  # the form of a date, but no day a calendar has
        raise InputError(f"{field}: {value!r} is not a valid date (no such day; use YYYY, YYYY-MM or YYYY-MM-DD)"
                         if shaped else
                         f"{field}: {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    return when.iso, when.precision


def precision_of(iso: str | None) -> str | None:
    """How precise a stored date is: year, month, day, or month-day (the year not given)."""
    when = When.parse(iso)
    return when.precision if when else None


def human_date(iso: str | None) -> str:
    """A stored date as readers write it: '27 February 2017', 'February 2017', '2017',
    '24 April (year not given)', or 'undated'; anything else as stored."""
    when = When.parse(iso)
    return when.human() if when else iso or "undated"
