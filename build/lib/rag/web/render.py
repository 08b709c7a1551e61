"""HTML for the web chat, built from escaped text only: nothing in a document can become markup,
so no script runs, no image loads and no link points anywhere but our own source cards."""

from __future__ import annotations

import html
import re

from rag.answer.cite import split_lead
from rag.dates import human_date
from rag.records import Answer, Citation

CSS = """
.transcript {display:flex; flex-direction:column; gap:14px; font-size:15px; line-height:1.55}
.turn-q {align-self:flex-end; background:#e8effd; border-radius:12px; padding:8px 12px; max-width:80%}
.turn-a {background:#fff; border:1px solid #e3e5e8; border-radius:12px; padding:10px 14px}
.turn-a.declined {background:#fbf7ec; border-color:#e8d9a8; color:#5c4b12}
.declined-label {font-weight:600; margin-right:6px}
.rewritten {font-size:13px; color:#55606e; margin-bottom:4px}
.notice {font-size:13px; color:#8a5300; margin-bottom:4px}
a.cite {text-decoration:none; font-weight:600; color:#1d4ed8; padding:0 1px}
.unsupported {background:#fde8e8; border-bottom:2px dotted #c81e1e}
.unsupported-mark {color:#c81e1e; font-weight:700; cursor:help}
.sources {margin-top:10px; display:flex; flex-direction:column; gap:8px}
.card {border:1px solid #e3e5e8; border-radius:10px; padding:8px 12px; background:#fafbfc; scroll-margin-top:80px}
.card:target {border-color:#1d4ed8; box-shadow:0 0 0 3px #c7d7fb}
.card-head {font-size:13px; color:#374151}
.card-title {font-weight:600; color:#111827}
.passage {margin-top:6px; font-size:14px; color:#374151; white-space:pre-wrap}
mark {background:#fff1a8; padding:0 1px}
details.article {margin-top:6px; font-size:14px}
details.article > div {white-space:pre-wrap; max-height:420px; overflow:auto; padding:6px; background:#fff;
  border:1px solid #eceef1; border-radius:6px}
.empty {color:#6b7280}
"""


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def transcript(turns: list[Answer], pending: tuple[str, str] | None = None, articles: dict[str, str] | None = None) -> str:
    """The whole conversation; `pending` is (question, text so far) while an answer streams."""
    parts = []
    for i, turn in enumerate(turns, 1):
        parts.append(f'<div class="turn-q">{esc(turn.question)}</div>')
        parts.append(answer_html(turn, i, articles or {}))
    if pending:
        parts.append(f'<div class="turn-q">{esc(pending[0])}</div>')
        parts.append(f'<div class="turn-a streaming">{esc(pending[1]) or "…"}</div>')
    if not parts:
        return '<div class="transcript"><p class="empty">Ask a question about the indexed articles.</p></div>'
    return f'<div class="transcript">{"".join(parts)}</div>'


def answer_html(answer: Answer, turn: int, articles: dict[str, str]) -> str:
    head = ""
    if answer.rewritten:
        head += f'<div class="rewritten">Asked as: {esc(answer.rewritten)}</div>'
    if answer.notice:
        head += f'<div class="notice">Note: {esc(answer.notice)}</div>'
    if answer.abstained:
        return (f'<div class="turn-a declined">{head}<span class="declined-label">Not in the articles.</span>'
                f'{esc(answer.text)}</div>')
    body = _marked_text(answer, turn)
    cards = "".join(source_card(c, turn, articles.get(c.source), answer.citations) for c in answer.citations)
    return f'<div class="turn-a">{head}<div class="answer">{body}</div><div class="sources">{cards}</div></div>'


def _marked_text(answer: Answer, turn: int) -> str:
    shorts, rest = split_lead(answer.text)
    text = esc(rest)
    for sentence in answer.unsupported:
        s = esc(sentence.rstrip("."))
        if s and s in text:
            text = text.replace(s, f'<span class="unsupported" title="Not supported by its cited source">{s}</span>'
                                   f'<span class="unsupported-mark" title="Not supported by its cited source">⚠</span>', 1)
    if shorts:
        text = "; ".join(f"<b>{esc(s)}</b>" for s in shorts) + " — " + text
    return re.sub(r"\[(\d+)\]", lambda m: f'<a class="cite" href="#src-{turn}-{m.group(1)}">[{m.group(1)}]</a>', text)


def source_card(c: Citation, turn: int, article: str | None, all_citations: tuple[Citation, ...]) -> str:
    meta = " · ".join(esc(x) for x in (c.publisher or "", human_date(c.date), c.source) if x)
    passage = _highlight(article or c.quote, [(c.start, c.end)] if article else [(0, len(c.quote))], window=c)
    spans = [(x.start, x.end) for x in all_citations if x.source == c.source]
    full = (f'<details class="article"><summary>Full article</summary><div>{_highlight(article, spans)}</div></details>'
            if article else "")
    return (f'<div class="card" id="src-{turn}-{c.marker}"><div class="card-head"><b>[{c.marker}]</b> '
            f'<span class="card-title">{esc(c.title)}</span> — {meta}</div>'
            f'<div class="passage">{passage}</div>{full}</div>')


def _highlight(text: str, spans: list[tuple[int, int]], window: Citation | None = None) -> str:
    """Escaped text with <mark> around each span; with `window`, only the paragraph around it."""
    if window is not None and text:
        start = text.rfind("\n\n", 0, window.start) + 1
        end = text.find("\n\n", window.end)
        text, spans = text[start:end if end >= 0 else len(text)], [(window.start - start, window.end - start)]
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            continue
        out += [esc(text[pos:s]), f"<mark>{esc(text[s:e])}</mark>"]
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out).strip()
