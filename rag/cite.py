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


def compose(evidence: list[Evidence]) -> tuple[str, list[Citation]]:
    """Answer text with an inline [n] after each sentence, and the numbered citations."""
    citations: list[Citation] = []
    parts = []
    for ev in evidence:
        marker = len(citations) + 1
        citations.append(to_citation(marker, ev))
        parts.append(f"{ev.text.strip()} [{marker}]")
    return " ".join(parts), citations


def to_citation(marker: int, ev: Evidence) -> Citation:
    h = ev.hit
    return Citation(marker=marker, source=h.chunk.source, title=h.title, date=h.date, publisher=h.publisher,
                    chunk_id=h.chunk.id, quote=ev.text.strip(), start=ev.start, end=ev.end, score=h.score)
