"""Metadata filters (source, outlet, date range): a Chroma `where` clause and a Python predicate."""

from __future__ import annotations

from rag.dates import date_bounds, parse_iso_prefix
from rag.records import Filters


def _bounds(filters: Filters) -> tuple[int | None, int | None]:
    lo = date_bounds(*parse_iso_prefix(filters.date_from, "date_from"))[0] if filters.date_from else None
    hi = date_bounds(*parse_iso_prefix(filters.date_to, "date_to"))[1] if filters.date_to else None
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
    lo, hi = _bounds(filters)
    if lo is not None:
        clauses.append({"date_from": {"$gte": lo}})
    if hi is not None:
        clauses.append({"date_to": {"$lte": hi}})
    if lo is not None or hi is not None:
        clauses.append({"date_from": {"$gt": 0}})  # undated articles never match a date range
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def matcher(filters: Filters | None):
    """A predicate over chunk metadata with the same meaning as `to_where`."""
    if not filters:
        return lambda meta: True
    lo, hi = _bounds(filters)
    sources, publishers = set(filters.sources), set(filters.publishers)

    def match(meta: dict) -> bool:
        if sources and meta.get("source") not in sources:
            return False
        if publishers and meta.get("publisher") not in publishers:
            return False
        if lo is not None or hi is not None:
            start, end = int(meta.get("date_from") or 0), int(meta.get("date_to") or 0)
            if start <= 0 or (lo is not None and start < lo) or (hi is not None and end > hi):
                return False
        return True

    return match
