"""The question's constraints: the places, people, organisations, numbers and years a question names
must hold where its answer is stated.

"How many Russian troops are in Kyrgyzstan?" is not answered by a sentence about troops in Tajikistan,
even in an article that mentions Kyrgyzstan elsewhere. So a name counts as holding when it is in the
answering sentence, the sentence before it (which often names who "he" or "the country" is), or the
article's headline; a year also holds when it is the article's year. Pure.
"""

from __future__ import annotations

from rag.answer.features import Candidate
from rag.answer.question import QuestionInfo, mentions
from rag.lexicon.calendar import year_of
from rag.lexicon.sentences import sentence_spans


def near_text(cand: Candidate) -> str:
    """Where a constraint may hold: the headline, the sentence before the candidate, the candidate."""
    chunk = cand.hit.chunk
    before = chunk.text[:max(0, cand.start - chunk.start)]
    spans = sentence_spans(before)
    previous = before[spans[-1][0]:spans[-1][1]] if spans else ""
    return f"{cand.hit.title}\n{previous}\n{cand.text}"


def names(info: QuestionInfo) -> list[str]:
    """The question's names, a hyphenated pair as both ("the Iraq-Turkey border" names Iraq and Turkey)."""
    out = []
    for e in info.entities:
        halves = e.split("-")
        out += halves if len(halves) == 2 and all(h[:1].isupper() for h in halves) else [e]
    return out


def constraint_share(info: QuestionInfo, cand: Candidate) -> float:
    """The share of the question's names (and numbers) that hold near the candidate; 1.0 when it names none."""
    wanted = names(info)
    if not wanted:
        return 1.0
    near = near_text(cand)
    year = year_of(cand.hit.date)
    held = [mentions(e, near) or (e == year) for e in wanted]
    return sum(held) / len(held)


def unmet(info: QuestionInfo, cand: Candidate) -> list[str]:
    """The question's names that do not hold near the candidate, for the reader: "not said of Kyrgyzstan"."""
    near, year = near_text(cand), year_of(cand.hit.date)
    return [e for e in names(info) if not (mentions(e, near) or e == year)]
