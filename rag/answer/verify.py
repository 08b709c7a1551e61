"""Verify citations: every [n] must name a listed source, and each cited sentence must be
supported by what it cites (content words and numbers, plus embedding similarity).

Shared by both answerers and by the eval harness (citation precision/recall).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from rag.answer.cite import split_lead
from rag.answer.injection import Screen, without_instructions
from rag.answer.reldates import strip_notes
from rag.records import Answer
from rag.text import content_terms, numbers, sentence_spans

SUPPORT_THRESHOLD = 0.6
INSTRUCTION_NOTICE = ("a sentence of this answer rests only on instruction-like text planted in a source "
                      "(a possible prompt injection); do not trust it")
_CLAIM = re.compile(r"(.+?)((?:\s*\[\d+\])+)\s*([.!?…]?)(?=\s|$)", re.S)
_YEAR_NOTE = re.compile(r"^\((?:\d{4}|year not given)(?:, (?:\d{4}|year not given))*\)\s*")  # added by cite.compose
_MARKER = re.compile(r"\s?\[(\d+)\]")

Embed = Callable[[list[str]], np.ndarray]


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence, [markers]) for each sentence of an answer, "claim [1]." and "claim. [1]" alike;
    markers belong to the sentence they follow, and a sentence without any gets []."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for m in _CLAIM.finditer(answer):
        markers = [int(n) for n in re.findall(r"\d+", m.group(2))]
        _add_sentences(m.group(1) + m.group(3), markers, out)
        pos = m.end()
    _add_sentences(answer[pos:], [], out)
    return out


def _add_sentences(segment: str, markers: list[int], out: list[tuple[str, list[int]]]) -> None:
    spans = sentence_spans(segment)
    for i, (s, e) in enumerate(spans):
        # The short answer repeats words of the quote; the notes are ours: neither is a claim.
        claim = _YEAR_NOTE.sub("", split_lead(strip_notes(segment[s:e].strip()))[1])
        if claim:
            out.append((claim, markers if i == len(spans) - 1 else []))


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


def drop_invalid_markers(text: str, valid: set[int]) -> str:
    """Remove [n] markers that name no listed source."""
    return _MARKER.sub(lambda m: m.group(0) if int(m.group(1)) in valid else "", text)


def verify(answer: Answer, passages: dict[int, str], embed: Embed | None = None,
           screen: Screen | None = None) -> Answer:
    """The answer with invalid markers removed, unsupported sentences listed, and `grounded`
    set: each sentence's support is 0.5 lexical + 0.5 embedding similarity to what it cites.
    With a `screen`, what it flags as instructions supports nothing, and a sentence that only
    such text supports (an answer obeying a planted instruction) is named in the notice."""
    if answer.abstained:
        return replace(answer, grounded=1.0, unsupported=())
    text = drop_invalid_markers(answer.text, set(passages))
    claims = split_claims(text)
    data = {n: without_instructions(p, screen) for n, p in passages.items()} if screen else passages
    cited = [([passages[m] for m in marks if m in passages], [data[m] for m in marks if m in data])
             for _, marks in claims]  # (as written, without flagged sentences) per claim
    obeyed = {c for (c, _), (full, clean) in zip(claims, cited) if is_supported(c, full) and not is_supported(c, clean)}
    scores = [0.0 if claim in obeyed else _support(claim, clean, embed) for (claim, _), (_, clean) in zip(claims, cited)]
    unsupported = tuple(c for (c, _), s in zip(claims, scores) if s < SUPPORT_THRESHOLD)
    grounded = float(np.mean(scores)) if scores else 0.0
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", text)}
    first = next((c for c, _ in claims if c in obeyed), None)
    notice = f"{INSTRUCTION_NOTICE}: {first!r}" if first else answer.notice
    return replace(answer, text=text, unsupported=unsupported, grounded=round(grounded, 3), notice=notice,
                   citations=tuple(c for c in answer.citations if c.marker in markers))


def _support(claim: str, cited: list[str], embed: Embed | None) -> float:
    if not cited:
        return 0.0  # a claim with no (valid) citation is unsupported by definition
    lexical = support_score(claim, cited)
    if lexical == 0.0 or any(claim in p for p in cited) or embed is None:
        return lexical  # a missing number, a verbatim quote, or no model: lexical decides
    vectors = embed([claim] + cited)
    similarity = max(float(vectors[0] @ v) for v in vectors[1:])
    return 0.5 * lexical + 0.5 * max(0.0, similarity)
