"""`rag timeline`: the dated facts about a topic across the articles, oldest first.

An entry is one sentence of a retrieved passage that is about the topic (its embedding close to the
topic's) and carries a date: one it writes ("3 March 2020", "in 2021"), one it implies ("on Wednesday",
read against its article's date), else its article's date. A sentence with none of these is left out:
a timeline places nothing it cannot date. Rag (rag.service) is a Timeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

import numpy as np

from rag.answer.features import Candidate
from rag.answer.rank import candidates
from rag.answer.refusal import clean_question
from rag.answer.reldates import date_notes
from rag.embed import CachedEmbedder
from rag.errors import InputError
from rag.index import Index
from rag.index.filters import bounds
from rag.lexicon.calendar import When
from rag.lexicon.dates import find_date
from rag.lexicon.outlets import outlet
from rag.records import AskOptions, Filters, Hit, TimelineEntry

# Chunks retrieved for a topic. An answer reads the best five; a timeline gathers every passage on the
# topic, across years and outlets: 40 covers a story told by a few dozen articles while keeping the work
# to a few hundred sentences embedded (0.6 s on the sample corpus, 2 CPU cores; each sentence once).
TOPIC_K = 40
# Cosine similarity (all-MiniLM-L6-v2, onnx-int8 as set up) at which a sentence is "about" the topic.
# Chosen on 208 sentences labelled by hand, on or off topic (the 30 most similar of each of 10 topics: 3
# on the sample corpus, "drug trafficking", "Taliban", "Tajik migrant workers"; 7 on the dev corpus, from
# "Australian Democrats leadership" to "anthrax attacks"): F1 peaks at 0.38-0.40 (0.67); at 0.40, 80% of
# what is listed is on topic (44% at 0.30), and 58% of the on-topic sentences are found (a third at 0.48).
RELEVANCE = 0.40
BATCH = 32  # sentences embedded between two progress reports

# A year written as a bare number: after a word that only times ("in 2020", "since 1992", "mid-2021"), or
# with no word after it ("by 2021.", "the 2012 Olympics"); "2000 troops" is a count, and so is "to 2000
# workers" ("to", "by", "of" and "from" precede counts as often as years).
_YEAR = re.compile(r"(?<![\d.,$€£])\b(1[89]\d\d|20\d\d)\b(?![.,]\d|\s*%)(\s+[a-z]+)?")
_OF_TIME = re.compile(r"\b(?:in|since|until|till|during|early|late|mid)\W*$", re.IGNORECASE)


def written_year(sentence: str) -> int | None:
    """The first year `sentence` writes as a number, or None."""
    for m in _YEAR.finditer(sentence):
        if not m.group(2) or _OF_TIME.search(sentence[:m.start()]):
            return int(m.group(1))
    return None


def sentence_date(sentence: str, article_date: str | None) -> When | None:
    """The date a sentence is about: a full date it writes (a day without its year takes the year it
    writes, else its article's), a year it writes, a relative date its article's date resolves, else its
    article's date. None when none of these has a year: such a sentence cannot be placed."""
    article = When.parse(article_date)
    year = written_year(sentence)
    found = find_date(sentence)
    if found is not None and found.year is None:  # "on February 27" in an article of 2017
        found = replace(found, year=year or (article.year if article else None))
    if found is None and year is not None:
        found = When(year)
    if found is None:
        found = next((w for _, note in date_notes(sentence, article_date) if (w := _note_date(note))), article)
    return found if found is not None and found.year is not None else None


def _note_date(note: str) -> When | None:
    """The date a relative date's note names: "19 May 2021", "May 2021", "week of 17 May 2021", "2021"."""
    return find_date(note) or (When(int(note)) if note.isdigit() else None)


def timeline_entries(cands: Iterable[Candidate], sims: Sequence[float], threshold: float) -> list[TimelineEntry]:
    """One entry per sentence at or above `threshold` that can be dated, oldest first (ties by source).
    The same sentence on the same date from a second article (a syndicated copy) is listed once."""
    found = [TimelineEntry(when.iso, c.text, c.hit.chunk.source, c.hit.title, c.hit.publisher, c.start, c.end)
             for c, sim in zip(cands, sims) if sim >= threshold and (when := sentence_date(c.text, c.hit.date))]
    seen: set[tuple[str, str]] = set()
    out = []
    for entry in sorted(found, key=_order):
        key = (entry.date, " ".join(entry.text.split()))
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def _order(entry: TimelineEntry) -> tuple:
    # By the dated interval, so that every precision sorts together: a year opens its span, before the
    # months and days in it ("2021", "2021-03", "2021-03-03"), as a reader meets them
    lo, hi = _bounds(entry)
    return lo, -hi, entry.source, entry.start


def within(entries: list[TimelineEntry], filters: Filters | None) -> list[TimelineEntry]:
    """The entries whose whole date lies in the filters' date range, as `--since`/`--until` read an
    article's date ("2021" is not within --since 2021-06)."""
    lo, hi = bounds(filters) if filters else (None, None)
    return [e for e in entries if (lo is None or _bounds(e)[0] >= lo) and (hi is None or _bounds(e)[1] <= hi)]


def _bounds(entry: TimelineEntry) -> tuple[int, int]:
    when = When.parse(entry.date)
    return when.bounds() if when else (0, 0)


class Timeline:
    """The façade's timeline; Rag provides what is declared here."""

    index: Index
    embedder: CachedEmbedder
    options: Callable[[AskOptions | None], AskOptions]
    open_index: Callable[[], None]
    retriever_for: Callable
    _filters: Callable[[Filters | None], Filters | None]
    aliases: dict[str, str]

    def timeline(self, topic: str, filters: Filters | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[TimelineEntry]:
        """The dated facts about `topic`, oldest first; `filters`' outlets and files narrow the articles
        read, its date range the entries kept. `progress(done, total)` is told the sentences read.
        InputError names what was wrong: an empty topic, a reversed range, an outlet or topic that
        matches nothing."""
        topic = clean_question(topic, "topic", ': name what the timeline is about, e.g. "Russian troops in Tajikistan"')
        # a date that is not one, or a reversed range, is named here as `rag ask` names it
        o = self.options(AskOptions(filters=filters))
        hits = self._topic_hits(topic, filters, o.retriever)
        cands = candidates(hits)
        sims = self._similarities(topic, [c.text for c in cands], progress)
        entries = within(timeline_entries(cands, sims, RELEVANCE), filters)
        if not entries:
            raise InputError(_nothing(topic, filters, about=bool((sims >= RELEVANCE).any())))
        # each outlet by one name, as `rag articles` names it ("TASS" for "Itar-Tass" and "Itar Tass")
        return [replace(e, publisher=outlet(e.publisher, self.aliases) or e.publisher) for e in entries]

    def _topic_hits(self, topic: str, filters: Filters | None, mode: str) -> list[Hit]:
        """The passages read for a topic. The date range is not a retrieval filter: a 2022 article may
        date a sentence 2020, so the range is applied to the entries' own dates."""
        self.open_index()
        self.index.refresh()  # an ingest by another process shows at once, as for a question
        narrowed = replace(filters, date_from=None, date_to=None) if filters else None
        return self.retriever_for(mode).retrieve(topic, TOPIC_K, self._filters(narrowed) or None)

    def _similarities(self, topic: str, texts: list[str], progress: Callable[[int, int], None] | None) -> np.ndarray:
        """Cosine similarity of each text to the topic, embedded BATCH at a time so `progress` can move."""
        about = self.embedder.embed([topic])[0]
        sims = []
        for start in range(0, len(texts), BATCH):
            sims.append(self.embedder.embed(texts[start:start + BATCH]) @ about)
            if progress:
                progress(min(start + BATCH, len(texts)), len(texts))
        return np.concatenate(sims) if sims else np.zeros(0)


def _nothing(topic: str, filters: Filters | None, about: bool) -> str:
    """Why a timeline is empty, in words that say what to change."""
    where = f" of outlet {', '.join(filters.publishers)}" if filters and filters.publishers else ""
    if not about:
        return f"nothing in the articles{where} is about {topic!r}: try a broader topic (fewer or more general words)"
    given = (("date_from", filters.date_from), ("date_to", filters.date_to)) if filters else ()
    span = [f"{k} {v}" for k, v in given if v]
    if span:
        return f"no dated sentence about {topic!r} falls in the range {' to '.join(span)}: widen the range"
    return f"the sentences about {topic!r} name no date, and their articles are undated (or their years unknown)"
