"""Asking options: a value no setting would take is refused, naming it; and one question's plan."""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer.answerer import Answerer
from rag.answer.answerers import kinds
from rag.answer.conversation import Rewriter
from rag.errors import InputError
from rag.index.filters import bounds
from rag.records import AskOptions, Filters


def no_match(filters: Filters) -> str:
    said = [("file", ", ".join(filters.sources)), ("outlet", ", ".join(filters.publishers)),
            ("date_from", filters.date_from), ("date_to", filters.date_to)]
    return ("No article matches these filters (" + "; ".join(f"{k}: {v}" for k, v in said if v) + "): "
            "`rag articles` lists each article's file, outlet and date")


def pick(chosen, default):
    return default if chosen is None else chosen


def check_options(o: AskOptions) -> AskOptions:
    """Refuse a value no setting would take, naming it (the web chat and API pass them as given)."""
    problems = []  # top_k and the retriever are checked by the retriever itself
    if o.llm not in kinds():
        problems.append(f"llm must be one of {', '.join(kinds())}, got {o.llm!r}")
    if not isinstance(o.max_answer_sentences, int) or not 1 <= o.max_answer_sentences <= 10:
        problems.append(f"max_answer_sentences must be a whole number from 1 to 10, got {o.max_answer_sentences!r}")
    if not isinstance(o.answer_threshold, (int, float)) or not 0 <= o.answer_threshold <= 1:
        problems.append(f"answer_threshold must be between 0 and 1, got {o.answer_threshold!r}")
    if o.filters:
        lo, hi = bounds(o.filters)  # a date that is not one is named here
        if lo is not None and hi is not None and lo > hi:
            problems.append(f"the date range is reversed: date_from {o.filters.date_from} is after "
                            f"date_to {o.filters.date_to}")
    if problems:
        raise InputError("; ".join(problems))
    return o


@dataclass(frozen=True)
class Plan:
    """One question's choices, resolved once by the façade (Rag.plan) and passed down: the options
    with every field set, the answerer, its follow-up rewriter, and a notice when `auto` fell back."""

    options: AskOptions
    answerer: Answerer
    rewriter: Rewriter
    notice: str | None = None
