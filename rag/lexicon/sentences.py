"""Pure text helpers shared by answering and citation checks: sentences, quotations, instructions.

Words, terms, stems and numbers are the lexicon's (rag.lexicon)."""

from __future__ import annotations

import re

from rag.lexicon.calendar import MONTH_ABBREVIATIONS

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "no", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
           "u.s", "u.k", "u.n", "n.w", "inc", "corp", "co", "ltd", "vs", "etc", "e.g", "i.e", "approx"} | MONTH_ABBREVIATIONS
# A sentence also ends before markup ("<script>", "![img]"): planted markup must not glue an
# instruction to the real sentence after it, or dropping the instruction drops the fact too.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9А-ЯЁ]|<[A-Za-z/!]|!\[)|\n\s*\n|\n(?=\S)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`; abbreviations like "U.S." do not end one."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        word = text[max(0, m.start() - 6):m.start() + 1].split()[-1].lower().rstrip(".") if m.group().startswith(".") else ""
        if word in _ABBREV or re.fullmatch(r"[a-z]", word):
            continue
        _add_span(text, start, m.end(), spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece.rstrip())
    if trail > lead:
        spans.append((start + lead, start + trail))


_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override) (all |any )?(the |your )?(previous|prior|above|earlier|preceding|original) "
    r"(instructions|prompts?|rules|guidance|guidelines|directions|directives|messages|context)"
    r"|\b(system prompt|you are now|new instructions|act as|reply (only )?with|respond (only )?with|do not cite)\b", re.I)


def is_instruction(sentence: str) -> bool:
    """A sentence addressed to a language model rather than to a reader of the news (prompt injection)."""
    return bool(_INSTRUCTION.search(sentence))


def balance_quotes(text: str) -> str:
    """A sentence whose double quotation marks pair up: a quotation it opens and a later sentence
    closes is closed at its end; one closed here but opened earlier is opened at its start."""
    opens, closes = text.count("“"), text.count("”")
    text = text + "”" * (opens - closes) if opens > closes else "“" * (closes - opens) + text
    if text.count('"') % 2:
        text = text + '"' if text.lstrip().startswith('"') else '"' + text
    return text


def as_quote(text: str) -> str:
    """A passage shown as a quotation: balanced, in curly quotes unless it opens with its own."""
    text = balance_quotes(text.strip())
    return text if text[:1] in "“\"" else f"“{text}”"
