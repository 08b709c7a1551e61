"""Verify citations: every [n] must name a listed source, and each cited sentence must be
supported by what it cites (content words and numbers, plus embedding similarity).

Shared by both answerers and by the eval harness (citation precision/recall).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from rag.answer.cite import plain_text, split_lead
from rag.answer.injection import Screen, without_instructions
from rag.lexicon.numbers import numbers, quantities
from rag.lexicon.sentences import sentence_spans
from rag.lexicon.words import content_terms, negated
from rag.records import ANSWERED, PASSAGES, Answer, Sentence

SUPPORT_THRESHOLD = 0.6
INSTRUCTION_NOTICE = ("a sentence of this answer rests only on instruction-like text planted in a source "
                      "(a possible prompt injection); do not trust it")
_CLAIM = re.compile(r"(.+?)((?:\s*\[\d+\])+)\s*([.!?…]?)(?=\s|$)", re.S)

Embed = Callable[[list[str]], np.ndarray]


def split_claims(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence, [markers]) for each sentence of an LLM's answer, "claim [1]." and "claim. [1]" alike;
    markers belong to the sentence they follow, and a sentence without any gets []. Where an LLM's
    words become records (rag.answer.generate); our own answers are records from the start."""
    out: list[tuple[str, list[int]]] = []
    pos = 0
    for m in _CLAIM.finditer(answer):
        markers = [int(n) for n in re.findall(r"\d+", m.group(2))]
        _add_sentences(m.group(1) + m.group(3), markers, out)
        pos = m.end()
    _add_sentences(answer[pos:], [], out)
    return out


def from_text(text: str) -> tuple[str | None, tuple[Sentence, ...]]:
    """An LLM's answer as records: its bold lead (the short answer, if it wrote one) and its sentences."""
    leads, rest = split_lead(text.strip())
    return "; ".join(leads) or None, tuple(Sentence(c, tuple(marks)) for c, marks in split_claims(rest))


def _add_sentences(segment: str, markers: list[int], out: list[tuple[str, list[int]]]) -> None:
    spans = sentence_spans(segment)
    for i, (s, e) in enumerate(spans):
        claim = segment[s:e].strip()
        if claim:
            out.append((claim, markers if i == len(spans) - 1 else []))


def support_score(claim: str, passages: Sequence[str], polarity: bool = True) -> float:
    """Share of the claim's content words found in the passages; 0 if the claim states a quantity the
    passages do not ("nine thousand", "7,000 million" against "7,000"), or denies what the sentence it
    rests on affirms, or the other way round ("No troops are stationed" against "7,000 troops are")."""
    text = " ".join(passages)
    if not quantities(claim) <= quantities(text) or not numbers(claim) <= numbers(text):
        return 0.0  # a number the sources do not state is never supported
    terms = content_terms(claim)
    if not terms:
        return 0.0
    if polarity and negated(claim) != negated(_closest_sentence(terms, passages)):
        return 0.0
    return len(terms & content_terms(text)) / len(terms)


def _closest_sentence(terms: set[str], passages: Sequence[str]) -> str:
    """The passage sentence sharing most content words with the claim: what its polarity is read from."""
    sentences = [p[a:b] for p in passages for a, b in sentence_spans(p)]
    return max(sentences, key=lambda s: len(terms & content_terms(s)), default="")


def is_supported(claim: str, passages: Sequence[str]) -> bool:
    return support_score(claim, passages) >= SUPPORT_THRESHOLD


def verify(answer: Answer, passages: dict[int, str], embed: Embed | None = None,
           screen: Screen | None = None) -> Answer:
    """The answer with markers that name no listed source dropped, each sentence marked supported or
    not, the short answer checked against the passages its sentences cite (an unstated short answer
    loses its bold and is listed as unsupported), and `grounded` set: each sentence's support is 0.5
    lexical + 0.5 embedding similarity to what it cites. With a `screen`, what it flags as instructions
    supports nothing, and a sentence that only such text supports (an answer obeying a planted
    instruction) is named in the notice."""
    if answer.abstained:
        return replace(answer, grounded=1.0, unsupported=())
    data = {n: without_instructions(p, screen) for n, p in passages.items()} if screen else passages
    sentences, scores, obeyed = [], [], None
    for s in answer.sentences:
        marks = tuple(m for m in s.markers if m in passages)
        full, clean = [passages[m] for m in marks], [data[m] for m in marks]
        followed = is_supported(s.text, full) and not is_supported(s.text, clean)
        obeyed = obeyed or (s.text if followed else None)
        score = 0.0 if followed else _support(s.text, clean, embed)
        sentences.append(replace(s, markers=marks, supported=score >= SUPPORT_THRESHOLD))
        scores.append(score)
    short = answer.short_answer
    cited = [data[m] for s in sentences for m in s.markers]
    # A short answer is a span, not a statement: it has no polarity, and each part of a multi-part one
    # may come from another passage.
    short_ok = short is None or all(any(part in p for p in cited) or support_score(part, cited, polarity=False)
                                    >= SUPPORT_THRESHOLD for part in short.split("; "))
    unsupported = ([] if short_ok else [short]) + [s.text for s in sentences if not s.supported]
    notice = f"{INSTRUCTION_NOTICE}: {obeyed!r}" if obeyed else answer.notice
    if not short_ok:
        notice = " ".join(n for n in (notice, f"The short answer “{short}” is not stated by the cited sources.") if n)
    markers = {m for s in sentences for m in s.markers}
    kept = short if short_ok else None
    # An extractive answer is "answered" by its short answer alone: without it, what is left are the passages.
    status = PASSAGES if answer.status == ANSWERED and answer.answerer == "extractive" and kept is None else answer.status
    return replace(answer, text=plain_text(kept, tuple(sentences), answer.differ), sentences=tuple(sentences),
                   short_answer=kept,
                   unsupported=tuple(unsupported), grounded=round(float(np.mean(scores)) if scores else 0.0, 3),
                   notice=notice, status=status, citations=tuple(c for c in answer.citations if c.marker in markers))


def _support(claim: str, cited: list[str], embed: Embed | None) -> float:
    if not cited:
        return 0.0  # a claim with no (valid) citation is unsupported by definition
    lexical = support_score(claim, cited)
    if lexical == 0.0 or any(claim in p for p in cited) or embed is None:
        return lexical  # a missing number, a verbatim quote, or no model: lexical decides
    vectors = embed([claim] + cited)
    similarity = max(float(vectors[0] @ v) for v in vectors[1:])
    return 0.5 * lexical + 0.5 * max(0.0, similarity)
