"""Cite: number the evidence, attach markers to sentences, and build the citation list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.reldates import date_notes
from rag.lexicon.calendar import year_of
from rag.lexicon.sentences import balance_quotes
from rag.records import Citation, Hit, Reported, Sentence


@dataclass(frozen=True)
class Evidence:
    hit: Hit
    start: int  # offsets of `text` in the article
    end: int
    text: str


_LEAD = re.compile(r"^((?:\*\*[^*]+\*\*(?:; )?)+) — ")  # how an LLM is shown to open: "**7,000 troops** — "


def split_lead(text: str) -> tuple[list[str], str]:
    """(the short answers an LLM's text opens with, the rest): read once, where an LLM's words become records."""
    m = _LEAD.match(text)
    return (re.findall(r"\*\*([^*]+)\*\*", m.group(1)), text[m.end():]) if m else ([], text)


_LIST_MARK = re.compile(r"^(?:[-–—•*▪●]|\d{1,2}[.)])\s+")


def compose(groups: list[list[Evidence]]) -> tuple[tuple[Sentence, ...], list[Citation]]:
    """For each group its first sentence (quotes balanced, relative dates resolved as notes, its
    sources' years when the answer's sources span several years), with one [n] per article stating
    it; plus the numbered citations."""
    citations: list[Citation] = []
    years = {year_of(ev.hit.date) for group in groups for ev in group}
    sentences = []
    for group in groups:
        markers: list[int] = []
        for ev in group:  # one citation per passage: a passage cited again keeps its number
            cited = next((c for c in citations if (c.source, c.start) == (ev.hit.chunk.source, ev.start)), None)
            if cited is None:
                cited = to_citation(len(citations) + 1, ev)
                citations.append(cited)
            markers += [cited.marker] if cited.marker not in markers else []
        text = balance_quotes(_LIST_MARK.sub("", group[0].text.strip()))  # a list item's dash is layout
        # in the order of the markers: "[1][2] (2021, 2017)" when [1] is of 2021 (a new user read them reversed)
        noted = list(dict.fromkeys(year_of(ev.hit.date) or "year not given" for ev in group)) if len(years) > 1 else []
        sentences.append(Sentence(text, tuple(markers), years=tuple(noted), dates=date_notes(text, group[0].hit.date)))
    return tuple(sentences), citations


def with_dates(s: Sentence) -> str:
    """The sentence with each relative date followed by the date it means: "on Wednesday [19 May 2021]"."""
    text, pos = s.text, 0
    for said, meant in s.dates:
        at = text.find(said, pos)
        if at >= 0:
            text = f"{text[:at + len(said)]} [{meant}]{text[at + len(said):]}"
            pos = at + len(said) + len(meant) + 3
    return text


def plain_text(short_answer: str | None, sentences: tuple[Sentence, ...], differ: tuple[Reported, ...] = ()) -> str:
    """The answer as one plain string (the JSON `answer` field, what a terminal streams):
    "**short** — sentence [date note] [1][2] (2017, 2021) …": the years of its sources after a
    sentence's markers, never inside its quoted words; when the sources differ, each value first."""
    lead = f"{differ_line(differ)} — " if differ else f"**{short_answer}** — " if short_answer else ""
    return lead + " ".join(sentence_line(s) for s in sentences)


def differ_line(values: tuple[Reported, ...]) -> str:
    """Each value with where and when it was reported, newest first:
    "Sources differ: 450 people (Orrin Ledger, 14 June 2021) [1]; 300 people (Valley Courier, 3 March 2020) [2]"."""
    return "Sources differ: " + "; ".join(
        f"{v.value} ({v.where}) {''.join(f'[{m}]' for m in v.markers)}" for v in values)


def years_note(s: Sentence) -> str:
    """The years of a sentence's sources, when the answer's sources span several: after its markers."""
    return f" ({', '.join(s.years)})" if s.years else ""


def sentence_line(s: Sentence) -> str:
    """One answer sentence as plain text: its words (dates resolved), its markers, its sources' years."""
    return f"{with_dates(s)} {''.join(f'[{m}]' for m in s.markers)}".rstrip() + years_note(s)


def to_citation(marker: int, ev: Evidence) -> Citation:
    h = ev.hit
    return Citation(marker=marker, source=h.chunk.source, title=h.title, date=h.date, publisher=h.publisher,
                    chunk_id=h.chunk.id, quote=ev.text.strip(), start=ev.start, end=ev.end, score=h.score,
                    also_reported_by=h.also, url=h.url)
