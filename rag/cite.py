"""Cite: number the evidence, attach markers to sentences, and build the citation list."""

from __future__ import annotations

from dataclasses import dataclass

from rag.records import Citation, Hit


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    start: int  # offsets of `text` in the article
    end: int
    text: str


def year_of(date: str | None) -> str | None:
    return date[:4] if date and date[:4].isdigit() else None


def compose(groups: list[list[Evidence]]) -> tuple[str, list[Citation]]:
    """Answer text: each group's first sentence, prefixed by its year(s) when the sources span
    several years, and one [n] per article stating it; plus the numbered citations."""
    citations: list[Citation] = []
    years = {year_of(ev.hit.date) for group in groups for ev in group}
    parts = []
    for group in groups:
        markers = ""
        for ev in group:
            citations.append(to_citation(len(citations) + 1, ev))
            markers += f"[{len(citations)}]"
        note = _year_note(group) if len(years) > 1 else ""
        parts.append(f"{note}{group[0].text.strip()} {markers}")
    return " ".join(parts), citations


def _year_note(group: list[Evidence]) -> str:
    years = sorted({year_of(ev.hit.date) or "year unknown" for ev in group})
    return f"({', '.join(years)}) "


def to_citation(marker: int, ev: Evidence) -> Citation:
    h = ev.hit
    return Citation(marker=marker, source=h.chunk.source, title=h.title, date=h.date, publisher=h.publisher,
                    chunk_id=h.chunk.id, quote=ev.text.strip(), start=ev.start, end=ev.end, score=h.score)
