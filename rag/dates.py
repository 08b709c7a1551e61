"""Find an article's publication date in its text, without ever guessing a missing year."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ["jan january", "feb february", "mar march", "apr april", "may", "jun june",
         "jul july", "aug august", "sep sept september", "oct october", "nov november", "dec december"]
    )
    for m in names.split()
}
_MON = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
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
    iso: str
    precision: str  # day | month | year | month-day
    evidence: str  # publication-line | source-line | dateline | html-meta | reprint-line | copyright


def parse_date(text: str) -> tuple[str, str] | None:
    """The first date written in `text` as (ISO 8601, precision); None when there is none."""
    for pattern, order in _FORMS:
        for m in pattern.finditer(text):
            parsed = _to_iso(m.groups(), order)
            if parsed:
                return parsed
    return None


def _to_iso(groups: tuple[str, ...], order: str) -> tuple[str, str] | None:
    parts = dict(zip(order, groups))
    month = int(parts["m"]) if parts["m"].isdigit() else _MONTHS.get(parts["m"].lower().rstrip("."))
    if month is None:
        return None
    year = int(parts["y"]) if "y" in parts else None
    if year is not None and year < 100:
        year += 2000 if year < 70 else 1900  # two-digit years as news sites print them ("27Feb17")
    if "d" not in parts:
        return (f"{year:04d}-{month:02d}", "month") if 1800 <= year <= 2200 else None
    day = int(parts["d"])
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: accepts Feb 29 when the year is unknown
    except ValueError:
        return None
    if year is None:
        return f"--{month:02d}-{day:02d}", "month-day"
    return (f"{year:04d}-{month:02d}-{day:02d}", "day") if 1800 <= year <= 2200 else None


def find_publication_date(lines: list[str], meta_date: str | None = None) -> FoundDate | None:
    """Strongest date evidence in the article's lines; "Last updated"/"accessed" dates never count."""
    usable = [ln for ln in lines if not _TRAP.search(ln)]
    for finder in (_labeled, _source_line, _dateline, _standalone):
        found = finder(usable)
        if found:
            return found
    if meta_date and (parsed := parse_date(meta_date)):
        return FoundDate(*parsed, "html-meta")
    return _reprint(usable) or _copyright(usable)


def _first(lines: list[str], pattern: re.Pattern, evidence: str) -> FoundDate | None:
    for line in lines:
        m = pattern.search(line)
        if m and (parsed := parse_date(m.group(m.lastindex or 0))):
            return FoundDate(*parsed, evidence)
    return None


def _labeled(lines: list[str]) -> FoundDate | None:
    return _first(lines, _LABELED, "publication-line")


def _source_line(lines: list[str]) -> FoundDate | None:
    return _first(lines, _SOURCE, "source-line")


def _dateline(lines: list[str]) -> FoundDate | None:
    return _first(lines[:_HEADER_LINES * 2], _DATELINE, "dateline")


def _standalone(lines: list[str]) -> FoundDate | None:
    for line in lines[:_HEADER_LINES]:
        if is_date_line(line) and (parsed := parse_date(line)):
            return FoundDate(*parsed, "dateline")
    return None


def _reprint(lines: list[str]) -> FoundDate | None:
    return _first(lines, _REPRINT, "reprint-line")


def _copyright(lines: list[str]) -> FoundDate | None:
    for line in lines:
        m = _COPYRIGHT.search(line)
        if m:
            year = m.group(2) or m.group(1)
            return FoundDate(year, "year", "copyright")
    return None


def is_date_line(line: str) -> bool:
    """A line that holds a date and nothing else (a weekday or time may stand beside it)."""
    rest = line
    for pattern, _ in _FORMS[:5]:
        rest = pattern.sub("", rest)
    rest = re.sub(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b|\d{1,2}:\d{2}|\b(gmt|utc|am|pm)\b", "", rest, flags=re.I)
    return rest != line and not re.search(r"\w", rest)


def date_bounds(iso: str | None, precision: str | None) -> tuple[int, int]:
    """The dated interval as YYYYMMDD integers for range filters; (0, 0) when undated or year unknown."""
    if not iso or precision in (None, "month-day"):
        return 0, 0
    parts = [int(p) for p in iso.split("-")]
    y, m, d = parts + [0] * (3 - len(parts))
    if precision == "day":
        return y * 10000 + m * 100 + d, y * 10000 + m * 100 + d
    if precision == "month":
        return y * 10000 + m * 100 + 1, y * 10000 + m * 100 + 31
    return y * 10000 + 101, y * 10000 + 1231


def parse_iso_prefix(value: str, field: str) -> tuple[str, str]:
    """'2017', '2017-02' or '2017-02-27' as (iso, precision); InputError naming `field` otherwise."""
    from rag.errors import InputError

    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not m:
        raise InputError(f"{field}: {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = m.groups()
    try:
        dt.date(int(y), int(mo or 1), int(d or 1))
    except ValueError:
        raise InputError(f"{field}: {value!r} is not a valid date") from None
    precision = "day" if d else "month" if mo else "year"
    return value.strip(), precision


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def precision_of(iso: str | None) -> str | None:
    """How precise a stored date is: year, month, day, or month-day (the year not given)."""
    if not iso:
        return None
    return "month-day" if iso.startswith("--") else {4: "year", 7: "month"}.get(len(iso), "day")


def human_date(iso: str | None) -> str:
    """A stored date as readers write it: '27 February 2017', 'February 2017', '2017',
    '24 April (year not given)', or 'undated'; anything else as stored."""
    m = re.fullmatch(r"(\d{4}|-)-?(\d{2})?(?:-(\d{2}))?", iso or "")
    if not iso or not m:
        return iso or "undated"
    year, month, day = m.groups()
    if not month or not 1 <= int(month) <= 12:
        return iso
    named = MONTH_NAMES[int(month) - 1]
    if year == "-":
        return f"{int(day)} {named} (year not given)" if day else iso
    return f"{int(day)} {named} {year}" if day else f"{named} {year}"
