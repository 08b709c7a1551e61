"""The web chat's Timeline tab: the dated facts about a topic, oldest first (Rag.timeline finds them),
drawn from escaped text only, as the chat draws articles: nothing in a document becomes markup."""

from __future__ import annotations

from rag.errors import RagError
from rag.lexicon.dates import human_date
from rag.records import Filters, TimelineEntry
from rag.service import MAX_QUESTION_CHARS
from rag.web.render import esc
from rag.web.tabs import _error

LABELS = {"date_from": "Since", "date_to": "Until"}  # fields named as this tab shows them
CELL = 'style="padding:4px 8px; vertical-align:top; text-align:left; border-bottom:1px solid #eceef1"'


def timeline_html(topic: str, entries: list[TimelineEntry]) -> str:
    """A table of entries (date, outlet, sentence, source), under a line that counts them."""
    rows = "".join(
        f'<tr class="entry"><td {CELL}>{esc(human_date(e.date))}</td><td {CELL}>{esc(e.publisher or "")}</td>'
        f'<td {CELL}>{esc(" ".join(e.text.split()))}</td><td {CELL}><span class="card-title">{esc(e.title)}</span>'
        f'<br><code>{esc(e.source)}</code></td></tr>' for e in entries)
    head = "".join(f"<th {CELL}>{h}</th>" for h in ("date", "outlet", "sentence", "source"))
    facts = "fact" if len(entries) == 1 else "facts"
    count = f'{len(entries)} dated {facts} about “{esc(" ".join(topic.split()))}”, oldest first'
    return f'<p class="timeline-count">{count}</p><table id="timeline-entries"><tr>{head}</tr>{rows}</table>'


def timeline_tab(gr, rag) -> None:
    with gr.Tab("Timeline", id="timeline"):
        gr.Markdown("The dated facts about a topic across the articles, oldest first: each sentence is dated by "
                    "the date it writes, else by its article's date.")
        with gr.Row():
            topic = gr.Textbox(label="Topic", placeholder="e.g. Russian troops in Tajikistan", scale=4,
                               elem_id="timeline-topic", max_length=MAX_QUESTION_CHARS)
            since = gr.Textbox(label="Since", placeholder="YYYY[-MM[-DD]]", elem_id="timeline-since")
            until = gr.Textbox(label="Until", placeholder="YYYY[-MM[-DD]]", elem_id="timeline-until")
            outlet = gr.Textbox(label="Outlet", placeholder="any", elem_id="timeline-outlet")
        go = gr.Button("Show timeline", variant="primary", elem_id="timeline-run")
        view = gr.HTML(elem_id="timeline")

    def show(topic, since, until, outlet, progress=gr.Progress()):  # noqa: B008 - Gradio's way to ask for a bar
        topic = topic or ""  # an API client may send null
        filters = Filters(publishers=tuple(p for p in [(outlet or "").strip()] if p),
                          date_from=(since or "").strip() or None, date_to=(until or "").strip() or None)

        def told(done: int, total: int) -> None:
            progress(done / max(total, 1), desc=f"{done} of {total} sentences")

        try:
            return timeline_html(topic, rag.timeline(topic, filters, progress=told))
        except RagError as exc:
            return _error(exc.said_as(LABELS))

    go.click(show, [topic, since, until, outlet], view, api_name="timeline", concurrency_limit=4,
             show_progress_on=[view])
    topic.submit(show, [topic, since, until, outlet], view, api_visibility="private", show_progress_on=[view])
