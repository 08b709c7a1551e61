"""HTML for the web chat, built from escaped text only: nothing in a document can become markup,
so no script runs, no image loads and no link points anywhere but our own source cards, except a
collection row's own http(s) url, opened in a new tab without a referrer (url_html)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from rag.lexicon.dates import human_date
from rag.records import ANSWERED, DECLINED, PASSAGES, Answer, Citation
from rag.service.render import CLOSEST_LABEL, PASSAGES_LABEL, also_in, sentence_words, years_note

CSS = """
/* Gradio's bundled Source Sans Pro SemiBold (weight 600, every heading, button and label) holds only
   a few dozen glyphs, "A" among them: the rest fell back to another font, and "RAG", "Ask" and
   "Answer all" showed a small capital A that looked like an icon. Weight 600 is drawn with the
   complete Bold face instead (Gradio serves it beside the other). */
@font-face {font-family:"Source Sans Pro"; font-weight:600; font-style:normal;
  src:url("static/fonts/SourceSansPro/SourceSansPro-Bold.woff2") format("woff2")}
#examples {gap:6px}
#examples button.try {align-self:flex-start; width:auto; max-width:100%; text-align:left; font-weight:400;
  font-size:14px; background:#fff; border:1px solid #d8dce2; border-radius:8px; padding:4px 10px}
#examples button.try:hover {border-color:#1d4ed8; color:#1d4ed8}
.try-label {font-size:13px; color:#55606e}
.transcript {display:flex; flex-direction:column; gap:14px; font-size:15px; line-height:1.55}
.turn-q {align-self:flex-end; background:#e8effd; border-radius:12px; padding:8px 12px; max-width:80%}
.turn-a {background:#fff; border:1px solid #e3e5e8; border-radius:12px; padding:10px 14px}
.turn-a.declined {background:#fbf7ec; border-color:#e8d9a8; color:#5c4b12}
.declined-label {font-weight:600; margin-right:6px}
.differ {margin:4px 0 8px} .differ-label {font-size:12px; font-weight:700; color:#8a4b00; background:#fff3e0;
  border-radius:4px; padding:1px 6px; margin-right:4px}
.closest-label, .passages-label {font-size:13px; font-weight:600; color:#55606e; margin:8px 0 4px}
.turn-a.passages {border-style:dashed}
.years {font-size:13px; color:#55606e}
.rewritten {font-size:13px; color:#55606e; margin-bottom:4px}
.notice {font-size:13px; color:#8a5300; margin-bottom:4px}
a.cite {text-decoration:none; font-weight:600; color:#1d4ed8; padding:0 1px}
.unsupported {background:#fde8e8; border-bottom:2px dotted #c81e1e}
.unsupported-mark {color:#c81e1e; font-weight:700; cursor:help}
.sources {margin-top:10px; display:flex; flex-direction:column; gap:8px}
.card {border:1px solid #e3e5e8; border-radius:10px; padding:8px 12px; background:#fafbfc}
.card:target {border-color:#1d4ed8; box-shadow:0 0 0 3px #c7d7fb}
.card-head {font-size:13px; color:#374151}
.card-title {font-weight:600; color:#111827}
.url {font-size:12px; color:#55606e; overflow-wrap:anywhere}
.passage {margin-top:6px; font-size:14px; color:#374151; white-space:pre-wrap}
mark {background:#fff1a8; padding:0 1px}
details.article {margin-top:6px; font-size:14px}
details.article > div {position:relative; white-space:pre-wrap; padding:6px; background:#fff;
  border:1px solid #eceef1; border-radius:6px}  /* no height of its own: the transcript is the one scroll */
.empty {color:#6b7280}
#transcript {max-height:62vh; overflow-y:auto !important}  /* Gradio's block style says visible */
"""

# The transcript scrolls inside its own box, so the heading and the Ask box stay in view: nothing
# here scrolls the page. A new question is scrolled to the top of the box. A click on [n] lets the
# browser follow the link (the card becomes :target), then, before the next paint, undoes the jump
# the browser made (it scrolls the page too, taking the heading out of view) and scrolls the box
# only as far as the card needs. "Full article" opens in place, in the transcript's own scroll (no
# box of its own inside it), and the box is scrolled to the cited span. The transcript is redrawn
# after every answer; the browser remembers which panels the reader opened and opens them again
# (without scrolling to them: the new question is what the reader is looking at).
JS = """() => {
  const open = new Set(), reopened = new WeakSet();
  let asked = 0;
  const within = (el, where) => {  // scroll #transcript, and only it, to `el`
    const box = document.querySelector('#transcript');
    if (!box || !box.contains(el)) return;
    const b = box.getBoundingClientRect(), r = el.getBoundingClientRect();
    if (where === 'start' || r.top < b.top || r.height > b.height) box.scrollTop += r.top - b.top - 8;
    else if (r.bottom > b.bottom) box.scrollTop += r.bottom - b.bottom + 8;
  };
  document.addEventListener('toggle', (e) => {
    const d = e.target;
    if (!(d instanceof HTMLDetailsElement) || !d.dataset.key) return;
    if (!d.open) { open.delete(d.dataset.key); return; }
    open.add(d.dataset.key);
    const mark = d.querySelector('mark.this'), box = document.querySelector('#transcript');
    if (reopened.has(d)) reopened.delete(d);
    else if (mark && box) box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  }, true);
  document.addEventListener('click', (e) => {
    const link = e.target instanceof Element && e.target.closest('#transcript a.cite');
    if (!link) return;
    const box = document.querySelector('#transcript'), x = window.scrollX, y = window.scrollY, top = box.scrollTop;
    requestAnimationFrame(() => {
      window.scrollTo(x, y);
      box.scrollTop = top;
      const card = document.getElementById(link.getAttribute('href').slice(1));
      if (card) within(card, 'nearest');
    });
  }, true);
  new MutationObserver(() => {
    const questions = document.querySelectorAll('#transcript .turn-q');
    if (questions.length > asked) within(questions[questions.length - 1], 'start');
    asked = questions.length;
    for (const key of [...open]) {
      const d = document.querySelector(`details[data-key="${key}"]`);
      if (!d) open.delete(key); else if (!d.open) { reopened.add(d); d.open = true; }
    }
  }).observe(document.body, {childList: true, subtree: true});
}"""


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def transcript(turns: list[Answer], pending: tuple[str, str] | None = None, articles: dict[str, str] | None = None) -> str:
    """The whole conversation; `pending` is (question, text so far) while an answer streams."""
    return wrap(turns_html(turns, articles or {}) + (pending_html(*pending) if pending else ""))


def turns_html(turns: list[Answer], articles: dict[str, str]) -> str:
    """The finished turns (rendered once per question, not again for every streamed token)."""
    return "".join(f'<div class="turn-q">{esc(turn.question)}</div>' + answer_html(turn, i, articles)
                   for i, turn in enumerate(turns, 1))


def pending_html(question: str, text: str) -> str:
    return f'<div class="turn-q">{esc(question)}</div><div class="turn-a streaming">{esc(text) or "…"}</div>'


def wrap(inner: str) -> str:
    if not inner:
        return '<div class="transcript"><p class="empty">Ask a question about the indexed articles.</p></div>'
    return f'<div class="transcript">{inner}</div>'


def answer_html(answer: Answer, turn: int, articles: dict[str, str]) -> str:
    head = ""
    if answer.rewritten:
        head += f'<div class="rewritten">Asked as: {esc(answer.rewritten)}</div>'
    if answer.notice:
        head += f'<div class="notice">Note: {esc(answer.notice)}</div>'
    if answer.status == DECLINED:
        closest = "".join(source_card(c, turn, articles.get(c.source), answer.closest, "near") for c in answer.closest)
        nearest = f'<div class="closest-label">{esc(CLOSEST_LABEL)}</div><div class="sources">{closest}</div>' if closest else ""
        return (f'<div class="turn-a declined">{head}<span class="declined-label">Not in the articles.</span>'
                f'{esc(answer.text)}{nearest}</div>')
    body = _marked_text(answer, turn)
    if answer.differ:
        head += f'<div class="differ"><span class="differ-label">Sources differ</span> {_values(answer, turn)}</div>'
    elif answer.status == PASSAGES:
        head += f'<div class="passages-label">{esc(PASSAGES_LABEL)}</div>'
    cards = "".join(source_card(c, turn, articles.get(c.source), answer.citations) for c in answer.citations)
    kind = " passages" if answer.status == PASSAGES else ""
    return f'<div class="turn-a{kind}">{head}<div class="answer">{body}</div><div class="sources">{cards}</div></div>'


_UNSUPPORTED = 'title="Not supported by its cited source"'


def _values(answer: Answer, turn: int) -> str:
    """Each value the sources give, with its outlet and date and links to its cards, newest first."""
    return "; ".join(f'<b>{esc(v.value)}</b> ({esc(v.where)}) '
                     + "".join(f'<a class="cite" href="#src-{turn}-{m}">[{m}]</a>' for m in v.markers)
                     for v in answer.differ)


def _marked_text(answer: Answer, turn: int) -> str:
    """The answer's sentences from its records: an unsupported one marked, each [n] a link to its card."""
    if not answer.sentences:
        return esc(answer.text)
    out = []
    for s in answer.sentences:
        words = esc(sentence_words(s))
        if not s.supported:
            words = f'<span class="unsupported" {_UNSUPPORTED}>{words}</span><span class="unsupported-mark" {_UNSUPPORTED}>⚠</span>'
        links = "".join(f'<a class="cite" href="#src-{turn}-{m}">[{m}]</a>' for m in s.markers)
        years = f'<span class="years" title="The years of its sources">{esc(years_note(s))}</span>' if s.years else ""
        out.append(f"{words} {links}{years}".rstrip())
    lead = f"<b>{esc(answer.short_answer)}</b> — " if answer.status == ANSWERED and answer.short_answer else ""
    return lead + " ".join(out)


def source_card(c: Citation, turn: int, article: str | None, all_citations: tuple[Citation, ...],
                prefix: str = "src") -> str:
    meta = " · ".join(esc(x) for x in (c.publisher or "", human_date(c.date), c.source) if x)
    span = span_in(article, c)
    passage = _highlight(article, [span], window=span) if span else f"<mark>{esc(c.quote)}</mark>"
    full = ""
    if article:
        others = [s for x in all_citations if x.source == c.source and x is not c and (s := span_in(article, x))]
        full = (f'<details class="article" data-key="{prefix}-{turn}-{c.marker}"><summary>Full article</summary>'
                f'<div>{_highlight(article, others + ([span] if span else []), this=span)}</div></details>')
    also = f'<div class="also">{esc(also_in(c))}</div>' if c.also_reported_by else ""
    return (f'<div class="card" id="{prefix}-{turn}-{c.marker}"><div class="card-head"><b>[{c.marker}]</b> '
            f'<span class="card-title">{esc(c.title)}</span> — {meta}</div>{url_html(c.url)}{also}'
            f'<div class="passage">{passage}</div>{full}</div>')


def url_html(url: str | None) -> str:
    """A collection row's url: a link only for http(s) to a host, opened apart, telling it nothing of the
    chat (no referrer, no opener); any other (javascript:, data:, a relative path) is text."""
    if not url:
        return ""
    if not _web_address(url):
        return f'<div class="url">{esc(url)}</div>'
    return (f'<div class="url"><a href="{esc(url)}" target="_blank" rel="noopener noreferrer nofollow" '
            f'referrerpolicy="no-referrer">{esc(url)}</a></div>')


def _web_address(url: str) -> bool:
    if re.search(r"[\s\x00-\x1f\x7f]", url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1" and the like
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def span_in(article: str | None, c: Citation) -> tuple[int, int] | None:
    """Where the citation's quote is in the article as stored now: its recorded offsets when they
    still hold the quote, else where the quote is found (the article was re-indexed since), else None."""
    if not article:
        return None
    if _letters(article[c.start:c.end]) == _letters(c.quote):
        return c.start, c.end
    at = article.find(c.quote)
    return (at, at + len(c.quote)) if at >= 0 and c.quote else None


def _letters(text: str) -> str:
    # quotes may be trimmed or have their quotation marks balanced: compare what they say
    return re.sub(r"\W+", "", text.casefold())


def _highlight(text: str, spans: list[tuple[int, int]], window: tuple[int, int] | None = None,
               this: tuple[int, int] | None = None) -> str:
    """Escaped text with <mark> around each span (the cited one marked `this`, for scrolling to);
    with `window`, only the paragraph around that span."""
    if window is not None:
        start = text.rfind("\n\n", 0, window[0]) + 1
        end = text.find("\n\n", window[1])
        text, spans = text[start:end if end >= 0 else len(text)], [(window[0] - start, window[1] - start)]
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            continue
        mark = '<mark class="this">' if (s, e) == this else "<mark>"
        out += [esc(text[pos:s]), f"{mark}{esc(text[s:e])}</mark>"]
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out).strip()
