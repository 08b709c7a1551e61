"""Find an article's publication date in its text, without ever guessing a missing year."""

from __future__ import annotations

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
_HEADER_LINES = 12


@dataclass(frozen=True)
class FoundDate:
    when: When  # with its precision: day | month | year | month-day
    evidence: str  # publication-line | source-line | dateline | html-meta | reprint-line | copyright

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
    """Strongest date evidence in the article's lines; "Last updated"/"accessed" dates never count."""
    usable = [ln for ln in lines if not _TRAP.search(ln)]
    for finder in (_labeled, _source_line, _dateline, _standalone):
        found = finder(usable)
        if found:
            return found
    if meta_date and (when := find_date(meta_date)):
        return FoundDate(when, "html-meta")
    return _reprint(usable) or _copyright(usable)


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
    return _first(lines[:_HEADER_LINES * 2], _DATELINE, "dateline")


def _standalone(lines: list[str]) -> FoundDate | None:
    for line in lines[:_HEADER_LINES]:
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
        raise InputError(f"{field}: {value!r} is not a valid date" if shaped else
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
