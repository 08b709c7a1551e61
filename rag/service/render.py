"""Render answers for people: plain text for the terminal, Markdown for the web chat."""

from __future__ import annotations

import re

from rag.answer.cite import differ_line, sentence_line, with_dates, years_note
from rag.lexicon.dates import human_date
from rag.lexicon.sentences import as_quote, balance_quotes
from rag.records import DECLINED, PASSAGES, Answer, Citation, Sentence, answer_record


def describe_source(c: Citation) -> str:
    """"Title" — Publisher, 2017-02-27 (file.txt); also in Other Outlet, 28 February 2017 (other.txt);
    a collection's row with its url: "Title" — Outlet, 3 March 2020 (news.jsonl#a17) <https://…>"""
    tail = ", ".join(x for x in (c.publisher, human_date(c.date)) if x)
    also = f"; {also_in(c)}" if c.also_reported_by else ""
    url = f" <{c.url}>" if c.url else ""
    return f"“{c.title}” — {tail} ({c.source}){url}{also}"


def also_in(c: Citation) -> str:
    """The other outlets that carried the cited story: "also in Northern Ledger, 14 June 2021 (ledger.txt)"."""
    return "also in " + "; ".join(", ".join(x for x in (o.publisher, human_date(o.date)) if x) + f" ({o.source})"
                                  for o in c.also_reported_by)


PASSAGES_LABEL = "Closest passages; they may not answer the question."
CLOSEST_LABEL = "Closest passages (they do not answer it; check the refusal against them):"


def sentence_words(s: Sentence) -> str:
    """A sentence's words as a reader sees them: its relative dates resolved."""
    return with_dates(s)


def body_text(answer: Answer) -> str:
    """The answer itself, by its outcome: the short answer and its sentences; the closest passages
    (said to be so); or the decline and its reason."""
    if answer.status == DECLINED or not answer.sentences:
        return answer.text
    sentences = " ".join(sentence_line(s).strip() for s in answer.sentences)
    if answer.differ:
        return f"{differ_line(answer.differ)}\n{sentences}"
    if answer.status == PASSAGES:
        return f"{PASSAGES_LABEL}\n{sentences}"
    return f"{answer.short_answer} — {sentences}" if answer.short_answer else sentences


def answer_text(answer: Answer, streamed: bool = False, quotes: bool = True) -> str:
    """The answer followed by its numbered sources and their quotes (a decline: the passages that came
    nearest); with `streamed`, only what follows the text (the reader has seen it as it was written)."""
    lines = [] if streamed else [body_text(answer)]
    if answer.notice:
        lines.insert(len(lines) if streamed else 0, f"note: {answer.notice}")
    if answer.unsupported:
        n = len(answer.unsupported)
        shown = " · ".join(as_quote(_shorten(s, 70)) for s in answer.unsupported)
        lines.append(f"⚠ {n} sentence{'s' * (n > 1)} not supported by the cited passages: {shown}")
    listed = answer.closest if answer.status == DECLINED else answer.citations
    if listed:
        lines += ["", CLOSEST_LABEL if answer.status == DECLINED else "Sources:"]
        for c in listed:
            lines.append(f"  [{c.marker}] {describe_source(c)}")
            lines += [f"      {as_quote(c.quote)}"] if quotes or answer.status == DECLINED else []
    return "\n".join(lines)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def escape_md(text: str) -> str:
    """Article text as literal Markdown: no links, images or HTML can come from a document."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def answer_markdown(answer: Answer) -> str:
    """Markdown for an answer: escaped text, the short answer bold, then the sources as a list (a
    decline: its reason, then the closest passages)."""
    sources = answer.closest if answer.status == DECLINED else answer.citations
    listed = "\n".join(f"- **[{c.marker}]** {escape_md(describe_source(c))}  \n  > {escape_md(balance_quotes(c.quote))}"
                       for c in sources)
    if answer.status == DECLINED:
        return f"_{escape_md(answer.text)}_" + (f"\n\n**{CLOSEST_LABEL}**\n\n{listed}" if listed else "")
    body = " ".join(escape_md(sentence_words(s)) + " " + "".join(f"**[{m}]**" for m in s.markers)
                    + escape_md(years_note(s)) for s in answer.sentences) or escape_md(answer.text)
    if answer.status == PASSAGES:
        body = f"_{PASSAGES_LABEL}_\n\n{body}"
    elif answer.short_answer:
        body = f"**{escape_md(answer.short_answer)}** — {body}"
    return f"{body}\n\n**Sources**\n\n{listed}"


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
    return [answer_record(t) for t in turns]
