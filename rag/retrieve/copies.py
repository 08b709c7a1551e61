"""Syndicated copies: articles that carry the same story (one wire story in several outlets, lightly edited).

Two articles are copies when most of their word 5-grams are shared (Jaccard of the shingle sets at least
COPY). Two different stories that share a paragraph share only that paragraph's shingles and stay apart.
A copy stays indexed and findable; an answer cites the story once and names the other outlets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from itertools import combinations

from rag.lexicon.words import words
from rag.records import ArticleSummary, Copy, Hit

SHINGLE = 5
COPY = 0.5  # measured over the sample, dev and news corpora together: the copies (a new headline and outlet
# line, a sentence or a paragraph dropped) 0.77-0.86; two stories sharing one paragraph 0.105; every other pair 0.02 or less


def shingles(text: str) -> set[int]:
    """The article's word 5-grams, hashed (in-process only: Python's string hash is salted per process)."""
    w = words(text)
    return {hash(tuple(w[i:i + SHINGLE])) for i in range(max(1, len(w) - SHINGLE + 1))} if w else set()


def copy_groups(texts: Mapping[str, str]) -> list[list[str]]:
    """Sets of articles (by source) that are copies of one another; articles with no copy are left out."""
    return groups_of({source: shingles(text) for source, text in texts.items()})


def groups_of(sets: Mapping[str, set[int]]) -> list[list[str]]:
    """copy_groups, of the articles' shingles."""
    root = {source: source for source in sets}

    def find(s: str) -> str:
        while root[s] != s:
            root[s] = root[root[s]]
            s = root[s]
        return s

    for a, b in combinations(sorted(sets), 2):
        if _jaccard(sets[a], sets[b]) >= COPY:
            root[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for source in sorted(sets):
        groups[find(source)].append(source)
    return [g for g in groups.values() if len(g) > 1]


def _jaccard(a: set[int], b: set[int]) -> float:
    small, large = sorted((len(a), len(b)))
    if small < COPY * large:  # the Jaccard of two sets is at most the smaller's size over the larger's
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if shared else 0.0


def copies_by_source(groups: Iterable[list[str]], catalog: Iterable[ArticleSummary]) -> dict[str, tuple[Copy, ...]]:
    """For each article that has copies, the others, oldest first (the wire's original leads)."""
    about = {r.source: r for r in catalog}
    out: dict[str, tuple[Copy, ...]] = {}
    for group in groups:
        listed = [Copy(s, about[s].publisher or None, about[s].date or None) for s in group if s in about]
        listed.sort(key=lambda c: (_sortable(c.date), c.source))
        for c in listed:
            out[c.source] = tuple(x for x in listed if x.source != c.source)
    return out


def collapse(hits: list[Hit], copies: Mapping[str, tuple[Copy, ...]]) -> list[Hit]:
    """Each story once: of the copies that were found, the earliest stands for the story (the wire's
    original before its reprints), its passages naming the other outlets; the others' passages go."""
    lead: dict[str, str] = {}  # an article with copies -> the copy whose passages stand for the story
    for hit in hits:
        source = hit.chunk.source
        if source in copies and source not in lead:
            story = {source, *(c.source for c in copies[source])}
            first = min((h for h in hits if h.chunk.source in story), key=lambda h: (_sortable(h.date), h.chunk.source))
            lead.update(dict.fromkeys(story, first.chunk.source))
    return [replace(h, also=copies[h.chunk.source]) if h.chunk.source in copies else h
            for h in hits if lead.get(h.chunk.source, h.chunk.source) == h.chunk.source]


def _sortable(date: str | None) -> str:
    return date if date and date[:1].isdigit() else "9999"  # undated, or a year unknown: last
