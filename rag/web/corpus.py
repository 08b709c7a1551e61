"""The corpus as the web chat shows it: one row per indexed article, and the outlets to filter by."""

from __future__ import annotations

from rag.service import Rag


def corpus_rows(rag: Rag) -> list[list]:
    """Rows for the Corpus table: source, title, outlet, date, chunks (read from the index now)."""
    return [[r.source, r.title, r.publisher, r.date or "undated", r.chunks] for r in rag.catalog()]


def outlet_choices(rag: Rag) -> list[str]:
    """The outlets of the indexed articles (for the filter), sorted."""
    return sorted({r.publisher for r in rag.catalog() if r.publisher})
