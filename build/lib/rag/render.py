"""Render answers for people: plain text for the terminal, Markdown for the web chat."""

from __future__ import annotations

import re

from rag.answer.cite import split_lead
from rag.dates import human_date
from rag.records import Answer, Citation
from rag.text import as_quote, balance_quotes


def describe_source(c: Citation) -> str:
    """"Title" — Publisher, 2017-02-27 (file.txt)"""
    bits = [f"“{c.title}”"]
    tail = ", ".join(x for x in (c.publisher, human_date(c.date)) if x)
    return f"{bits[0]} — {tail} ({c.source})"


def answer_text(answer: Answer, streamed: bool = False, quotes: bool = True) -> str:
    """The answer followed by its numbered sources and their quotes; with `streamed`, only what
    follows the text (the reader has seen it as it was written)."""
    lines = [] if streamed else [answer.text]
    if answer.notice:
        lines.insert(len(lines) if streamed else 0, f"note: {answer.notice}")
    if answer.unsupported:
        n = len(answer.unsupported)
        shown = " · ".join(as_quote(_shorten(s, 70)) for s in answer.unsupported)
        lines.append(f"⚠ {n} sentence{'s' * (n > 1)} not supported by the cited passages: {shown}")
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"  [{c.marker}] {describe_source(c)}")
            lines += [f"      {as_quote(c.quote)}"] if quotes else []
    return "\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def escape_md(text: str) -> str:
    """Article text as literal Markdown: no links, images or HTML can come from a document."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_markdown(answer: Answer) -> str:
    """Markdown for the chat: escaped answer text, then the sources as a list."""
    shorts, rest = split_lead(answer.text)
    body = re.sub(r"\\\[(\d+)\\\]", r"**[\1]**", escape_md(rest))  # our own markers stay visible
    if shorts:  # the short answer stays bold
        body = "; ".join(f"**{escape_md(s)}**" for s in shorts) + " — " + body
    if answer.abstained:
        return f"_{body}_"
    sources = "\n".join(f"- **[{c.marker}]** {escape_md(describe_source(c))}  \n  > {escape_md(balance_quotes(c.quote))}"
                        for c in answer.citations)
    return f"{body}\n\n**Sources**\n\n{sources}"


def conversation_markdown(turns: list[Answer]) -> str:
    """A conversation as Markdown: each question, its answer, and the sources with quotes."""
    out = ["# Conversation", ""]
    for turn in turns:
        out += [f"## {escape_md(turn.question)}", ""]
        if turn.rewritten:
            out += [f"_Asked as: {escape_md(turn.rewritten)}_", ""]
        out += [answer_markdown(turn), ""]
        out += [f"- ⚠ not supported by its sources: {escape_md(s)}" for s in turn.unsupported]
    return "\n".join(out).rstrip() + "\n"


def conversation_records(turns: list[Answer]) -> list[dict]:
    """A conversation as JSON-ready records (the `rag ask --json` format, one per turn)."""
    from rag.records import answer_record

    return [answer_record(t) for t in turns]
