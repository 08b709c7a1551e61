"""Offline support scoring: does a cited passage support the sentence that cites it?

Shared by the eval harness (citation precision/recall) and, later, the answerers' self-checks.
"""

from __future__ import annotations

import re
from typing import Sequence

from rag.text import content_terms, numbers

SUPPORT_THRESHOLD = 0.6
_CLAIM = re.compile(r"(.+?)((?:\s*\[\d+\])+)(?=\s|$)", re.S)
_YEAR_NOTE = re.compile(r"\s\((?:\d{4}|year unknown)(?:, (?:\d{4}|year unknown))*\)$")  # added by cite.compose


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence, [markers]) for each marked sentence of an answer; unmarked text is dropped."""
    out = []
    for m in _CLAIM.finditer(answer):
        markers = [int(n) for n in re.findall(r"\[(\d+)\]", m.group(2))]
        out.append((_YEAR_NOTE.sub("", m.group(1).strip()), markers))
    return out


def support_score(claim: str, passages: Sequence[str]) -> float:
    """Share of the claim's content words found in the passages; 0 if a number is missing."""
    text = " ".join(passages)
    if not numbers(claim) <= numbers(text):
        return 0.0  # a number the sources do not state is never supported
    terms = content_terms(claim)
    if not terms:
        return 0.0
    return len(terms & content_terms(text)) / len(terms)


def is_supported(claim: str, passages: Sequence[str]) -> bool:
    return support_score(claim, passages) >= SUPPORT_THRESHOLD
