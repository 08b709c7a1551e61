"""Questions no article could answer, refused before any search, with the reason in words: empty,
too long, a single word, or not one of their words in the indexed articles (another language, or
nothing the articles name). Pure: whether a word is in the articles is asked of the caller."""

from __future__ import annotations

import unicodedata
from typing import Callable

from rag.errors import InputError
from rag.lexicon.words import QUESTION_WORDS, STOPWORDS, words

MAX_QUESTION_CHARS = 4000


def printable(question: str) -> str:
    """The question without control characters (and lone surrogates), its spaces collapsed."""
    if not isinstance(question, str):
        raise InputError(f"question must be text, got {type(question).__name__}")
    return " ".join("".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in question).split())


def refusal(text: str, in_articles: Callable[[str], bool]) -> str | None:
    """Why `text` (printable) cannot be answered from the articles, or None."""
    if not text:
        return "the question is empty"
    if len(text) > MAX_QUESTION_CHARS:
        return f"the question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}"
    if not words(text):
        return "the question has no words"
    if len(words(text)) < 2:
        return "a single word is not a question; ask what you want to know about it"
    if not any(in_articles(w) for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS):
        return "none of the question's words appear in the indexed articles"
    return None


def clean_question(question: str, what: str = "question", hint: str = "") -> str:
    """Strip control characters; refuse empty or oversized questions (or timeline topics: `what`) with a
    clear message, `hint` saying what to write instead of nothing."""
    text = printable(question)
    if not text:
        raise InputError(f"the {what} is empty{hint}")
    if len(text) > MAX_QUESTION_CHARS:
        raise InputError(f"the {what} is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}")
    return text
