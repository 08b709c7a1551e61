"""Metadata filters (source, outlet, date range) as a Chroma `where` clause."""

from __future__ import annotations

import calendar
from functools import lru_cache

from rag.lexicon.dates import date_bounds, parse_iso_prefix
from rag.records import Filters


@lru_cache(maxsize=256)  # one parse per filter value, however many searches a question makes
def bounds(filters: Filters) -> tuple[int | None, int | None]:
    """The date range as YYYYMMDD integers. A month-dated article ends on "day 31" of its month, so
    an upper bound on a month's real last day (2017-02-28) reaches to day 31: that article is in."""
    lo = date_bounds(*parse_iso_prefix(filters.date_from, "date_from"))[0] if filters.date_from else None
    hi = date_bounds(*parse_iso_prefix(filters.date_to, "date_to"))[1] if filters.date_to else None
    if hi is not None and hi % 100 == calendar.monthrange(hi // 10000, hi // 100 % 100)[1]:
        hi += 31 - hi % 100
    return lo, hi


def to_where(filters: Filters | None) -> dict | None:
    """Chroma where-clause for `filters`; dates compare as YYYYMMDD integers."""
    if not filters:
        return None
    clauses: list[dict] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.publishers:
        clauses.append({"publisher": {"$in": list(filters.publishers)}})
    lo, hi = bounds(filters)
    if lo is not None:
        clauses.append({"date_from": {"$gte": lo}})
    if hi is not None:
        clauses.append({"date_to": {"$lte": hi}})
    if lo is not None or hi is not None:
        clauses.append({"date_from": {"$gt": 0}})  # undated articles never match a date range
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
