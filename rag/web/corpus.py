"""The corpus as the web chat shows it: one row per indexed article, and the outlets to filter by."""

from __future__ import annotations

from rag.lexicon.dates import human_date
from rag.records import ArticleSummary


def corpus_rows(catalog: list[ArticleSummary]) -> list[list]:
    """Rows for the Corpus table: source, title, outlet (one name however the article spells it: TASS,
    not Itar-Tass and Itar Tass besides), date, chunks."""
    return [[r.source, r.title, r.outlet or r.publisher, human_date(r.date), r.chunks] for r in catalog]


def outlet_choices(catalog: list[ArticleSummary]) -> list[str]:
    """The outlets of the indexed articles (for the filter), one per outlet however it is spelled, sorted."""
    return sorted({r.outlet for r in catalog if r.outlet}, key=str.casefold)
