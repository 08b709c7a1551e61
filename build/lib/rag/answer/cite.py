"""Cite: number the evidence, attach markers to sentences, and build the citation list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.reldates import annotate
from rag.records import Citation, Hit
from rag.text import balance_quotes


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    start: int  # offsets of `text` in the article
    end: int
    text: str


_LEAD = re.compile(r"^((?:\*\*[^*]+\*\*(?:; )?)+) — ")  # what compose puts before a quote: "**7,000 troops** — "


def split_lead(text: str) -> tuple[list[str], str]:
    """(the short answers an answer opens with, the rest): for renderers to bold, for checks to skip."""
    m = _LEAD.match(text)
    return (re.findall(r"\*\*([^*]+)\*\*", m.group(1)), text[m.end():]) if m else ([], text)


def year_of(date: str | None) -> str | None:
    return date[:4] if date and date[:4].isdigit() else None


def compose(groups: list[list[Evidence]], shorts: list[list[str]] | None = None) -> tuple[str, list[Citation]]:
    """Answer text: for each group its short answer in bold (when there is one), then its first
    sentence with relative dates resolved, prefixed by its year(s) when the sources span several
    years, and one [n] per article stating it; plus the numbered citations."""
    citations: list[Citation] = []
    years = {year_of(ev.hit.date) for group in groups for ev in group}
    parts = []
    for group, short in zip(groups, shorts or [[]] * len(groups)):
        markers = ""
        for ev in group:  # one citation per passage: a passage cited again keeps its number
            cited = next((c for c in citations if (c.source, c.start) == (ev.hit.chunk.source, ev.start)), None)
            if cited is None:
                cited = to_citation(len(citations) + 1, ev)
                citations.append(cited)
            markers += f"[{cited.marker}]" if f"[{cited.marker}]" not in markers else ""
        note = _year_note(group) if len(years) > 1 else ""
        lead = "; ".join(f"**{s}**" for s in short) + " — " if short else ""
        sentence = balance_quotes(annotate(group[0].text.strip(), group[0].hit.date)[0])
        parts.append(f"{lead}{note}{sentence} {markers}")
    return " ".join(parts), citations


def _year_note(group: list[Evidence]) -> str:
    years = sorted({year_of(ev.hit.date) or "year not given" for ev in group})
    return f"({', '.join(years)}) "


def to_citation(marker: int, ev: Evidence) -> Citation:
    h = ev.hit
    return Citation(marker=marker, source=h.chunk.source, title=h.title, date=h.date, publisher=h.publisher,
                    chunk_id=h.chunk.id, quote=ev.text.strip(), start=ev.start, end=ev.end, score=h.score)
