"""The time a question speaks for, applied to what is retrieved and said (rag.answer.timeframe).

"in 2020" keeps the passages of articles dated in 2020 and those that name 2020 themselves (a 2021
story saying what the plant employed in 2020); a time no passage is of is declined with its reason.
"now" and "latest" put the newest dated fact first; the answer says which time it speaks for.
"""

from __future__ import annotations

from typing import Callable

from rag.answer.features import Candidate
from rag.answer.timeframe import Timeframe, of_frame
from rag.lexicon.dates import human_date
from rag.records import Answer, AskOptions, Filters, Hit
from rag.retrieve.hybrid import Retriever


def hits_in_time(retriever: Retriever, question: str, o: AskOptions, frame: Timeframe, filters: Filters | None,
                 found: list[Hit]) -> list[Hit]:
    """The top k passages of the time `frame` bounds: those of articles dated in it, and those of the
    top k `found` for the question that name a year of it. Only the top k: looking three times as deep
    let in a distractor's "by 2020" forecast for a question about 2020."""
    dated = retriever.retrieve(question, o.top_k, frame.filters(filters))
    kept = {h.chunk.id: h for h in [*dated, *(h for h in found if of_frame(frame, h.date, h.chunk.text))]}
    return sorted(kept.values(), key=lambda h: -h.score)[:o.top_k]


def of_time(frame: Timeframe | None) -> Callable[[Candidate], bool] | None:
    """Which sentences may answer a question that gives a time: those of an article dated in it, or
    that name it themselves (the passage's other sentences may be of another time)."""
    if frame is None or not frame.bounded:
        return None
    return lambda c: of_frame(frame, c.hit.date, c.text)


def untimed(question: str, frame: Timeframe | None) -> str:
    """The question as the ranker reads it: a time it gives is held by the filter on the sentences
    (`of_time`) and by the short answer's check (rag.answer.timeframe.span_in_time), so "in 2021" is
    not also a name the answering sentence must write (a 2021 story says "now employs 450")."""
    if frame is None or not frame.bounded:
        return question
    return " ".join(question.replace(frame.said, " ").split())


def out_of_time(frame: Timeframe) -> str:
    """Why a question whose time no passage is of is declined."""
    return f"no article is dated in the time the question gives (“{frame.said}”), and no passage names that time"


def time_note(frame: Timeframe | None, answer: Answer) -> str | None:
    """Which time the answer speaks for, in words."""
    if frame is None or answer.abstained:
        return None
    if frame.latest:
        dates = sorted((c.date for c in answer.citations if c.date and not c.date.startswith("--")), reverse=True)
        newest = f"as of {human_date(dates[0])}" if dates else "no cited article is dated"
        return f"Asked for {frame.said}: {newest} (the newest dated passage is first)."
    return f"Asked {frame.said}: from articles dated then, or passages that name that time."
