"""Metadata filters (source, outlet, date range) as a Chroma `where` clause."""

from __future__ import annotations

from rag.dates import date_bounds, parse_iso_prefix
from rag.records import Filters


def to_where(filters: Filters | None) -> dict | None:
    """Chroma where-clause for `filters`; dates compare as YYYYMMDD integers."""
    if not filters:
        return None
    clauses: list[dict] = []
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.publishers:
        clauses.append({"publisher": {"$in": list(filters.publishers)}})
    if filters.date_from:
        clauses.append({"date_from": {"$gte": date_bounds(*parse_iso_prefix(filters.date_from, "date_from"))[0]}})
    if filters.date_to:
        clauses.append({"date_to": {"$lte": date_bounds(*parse_iso_prefix(filters.date_to, "date_to"))[1]}})
    if filters.date_from or filters.date_to:
        clauses.append({"date_from": {"$gt": 0}})  # undated articles never match a date range
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
