"""The web chat (Gradio). Every handler calls rag/ functions; no answering logic lives here."""

from __future__ import annotations

import errno
import json
import socket
import threading
from pathlib import Path

from rag.answer.llm import SERVER_KINDS, probe
from rag.errors import BackendError, ConfigError, RagError
from rag.records import Answer, AskOptions, Filters
from rag.retrieve.hybrid import MODES
from rag.service import MAX_QUESTION_CHARS, Rag, printable
from rag.service.examples import SHOWN, Examples
from rag.service.render import conversation_markdown, conversation_records
from rag.settings import Settings
from rag.web.access import access, answerers, offered
from rag.web.evaltab import EVAL_CSS, eval_tab
from rag.web.guard import KnownEndpoints, LoginLimit, RefuseRemoteFiles, RefuseUploads
from rag.web.render import CSS, JS, esc, pending_html, transcript, turns_html, wrap
from rag.web.scratch import scratch_folder
from rag.web.tabs import batch_tab, corpus_tab
from rag.web.timeline_tab import timeline_tab

LABELS = {"date_from": "From date", "date_to": "To date", "top_k": "top-k"}  # fields named as the page shows them


def ask_options(llm, top_k, retriever, outlets, date_from, date_to, length, kinds: tuple[str, ...]) -> AskOptions:
    """The chat's choices for one question (each session its own; one shared Rag answers them all);
    an answerer outside `kinds` (those the server offers) is refused before anything is contacted."""
    offered(llm, kinds)
    filters = Filters(publishers=tuple(outlets or ()), date_from=(date_from or "").strip() or None,
                      date_to=(date_to or "").strip() or None)
    return AskOptions(top_k=int(top_k), retriever=retriever, filters=filters, llm=llm,
                      max_answer_sentences=int(length))


def chat_handler(rag: Rag, kinds: tuple[str, ...]):
    def ask(question, turns, llm, top_k, retriever, outlets, date_from, date_to, length):
        turns = list(turns or [])
        # As the service reads it: a lone surrogate ("\ud800") kept in the turn broke the export
        # files (not UTF-8), and the user saw a bare "Error"
        question = printable(question or "")
        if not question:
            yield _unchanged(), turns, question, _unchanged(), _unchanged()
            return
        articles = cited_articles(rag, turns)  # every redraw keeps highlights and full articles
        earlier = turns_html(turns, articles)  # drawn once, not again for every streamed token
        try:
            options = ask_options(llm, top_k, retriever, outlets, date_from, date_to, length, kinds)
            conv = rag.conversation(options, turns)
            text = ""
            for event in conv.stream(question):
                if isinstance(event, str):
                    text += event
                    yield wrap(earlier + pending_html(question, text)), turns, "", _unchanged(), _unchanged()
        except RagError as exc:
            error = f'<div class="notice" id="chat-error">Error: {esc(exc.said_as(LABELS))}</div>'
            yield wrap(earlier) + error, turns, question, _unchanged(), _unchanged()
            return
        articles.update(cited_articles(rag, conv.turns[-1:], known=articles))
        yield transcript(conv.turns, articles=articles), conv.turns, "", *exports(conv.turns)

    return ask


def cited_articles(rag: Rag, turns: list[Answer], known: dict[str, str] | None = None) -> dict[str, str]:
    """The text of each article these turns cite that is not `known` yet, by source (for
    highlights and "Full article")."""
    sources = sorted({c.source for t in turns for c in t.citations} - set(known or ()))
    return rag.article_texts(sources) if sources else {}


def _unchanged():
    import gradio as gr

    return gr.update()


def exports(turns: list[Answer]) -> tuple:
    """The two download buttons: the conversation so far, or disabled when there is none (after Clear)."""
    import gradio as gr

    if not turns:
        return gr.update(value=None, interactive=False), gr.update(value=None, interactive=False)
    md, js = export_files(turns)
    return gr.update(value=md, interactive=True), gr.update(value=js, interactive=True)


def export_files(turns: list[Answer]) -> tuple[str, str]:
    """The conversation as Markdown and JSON files for download."""
    folder = scratch_folder("export-")
    (folder / "conversation.md").write_text(conversation_markdown(turns), encoding="utf-8")
    (folder / "conversation.json").write_text(json.dumps(conversation_records(turns), ensure_ascii=False, indent=2))
    return str(folder / "conversation.md"), str(folder / "conversation.json")


def backend_status(rag: Rag, llm: str, kinds: tuple[str, ...]) -> str:
    """Which answerer is active and whether its server answered (only one this server offers)."""
    try:
        backend, notice = rag.backend(offered(llm, kinds))
    except RagError as exc:
        return f"**{llm}**: not available — {exc}"
    if backend is None:
        return f"**Offline extractive answerer** is active.{' ' + notice if notice else ''}"
    if backend.kind in SERVER_KINDS:  # the backend is chosen once; whether its server answers is asked now
        try:
            probe(rag.settings, backend.kind)
        except BackendError as exc:
            return f"**{backend.kind}**: not reachable now — {exc}"
    return f"**{backend.kind}** at `{backend.where}`: reachable ✓"


def examples_shown(gr, examples: Examples) -> tuple:
    """The "Try" box and its buttons for the index as it is now: a button a question, the box
    hidden when there is none. (Buttons, not gr.Examples: that cuts a question at 60 characters.)"""
    questions = examples.now()
    return gr.update(visible=bool(questions)), *(
        gr.update(value=q, visible=True) if q else gr.update(value="", visible=False)
        for q in questions + [""] * (SHOWN - len(questions)))


def build(settings: Settings):
    """The Gradio app over one shared Rag (one model load for all sessions)."""
    import gradio as gr

    rag = Rag(settings)
    kinds = answerers(settings)  # the answerers the operator set up, and no others
    writes = threading.Lock()  # one upload, delete or re-index at a time from the UI
    with gr.Blocks(title="News RAG", delete_cache=(3600, 3600), analytics_enabled=False) as demo:
        turns = gr.State([], time_to_live=12 * 3600)  # sessions from API clients never say goodbye
        examples = Examples(rag)
        gr.Markdown("## News RAG\nAnswers come only from the indexed articles, with numbered sources you can check.")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat") as chat_tab:
                with gr.Row():
                    with gr.Column(scale=3):
                        view = gr.HTML(transcript([]), elem_id="transcript")
                        with gr.Row():
                            box = gr.Textbox(placeholder="Ask about the articles…", show_label=False, scale=6,
                                             elem_id="question", max_length=MAX_QUESTION_CHARS)
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                        # made from the indexed articles at page load and after every change to them
                        with gr.Column(visible=False, elem_id="examples") as tried:
                            gr.HTML('<div class="try-label">Try</div>')
                            tries = [gr.Button("", size="sm", visible=False, elem_classes="try") for _ in range(SHOWN)]
                        with gr.Row():
                            clear = gr.Button("Clear conversation", elem_id="clear")
                            md_file = gr.DownloadButton("Export Markdown", elem_id="export-md", interactive=False)
                            js_file = gr.DownloadButton("Export JSON", elem_id="export-json", interactive=False)
                    with gr.Column(scale=1, min_width=260):
                        with gr.Accordion("Settings", open=True):
                            llm = gr.Dropdown(list(kinds), value=settings.llm, label="Answerer")
                            status = gr.Markdown(backend_status(rag, settings.llm, kinds))
                            top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages retrieved (top-k)")
                            retriever = gr.Radio(list(MODES), value=settings.retriever, label="Retrieval")
                            length = gr.Slider(1, 6, value=settings.max_answer_sentences, step=1, label="Answer length (sentences)")
                        with gr.Accordion("Filters", open=False):
                            outlets = gr.Dropdown([], multiselect=True, label="Outlets", allow_custom_value=True)
                            date_from = gr.Textbox(label="From date", placeholder="YYYY[-MM[-DD]]", elem_id="date-from")
                            date_to = gr.Textbox(label="To date", placeholder="YYYY[-MM[-DD]]", elem_id="date-to")
            refresh = (lambda: examples_shown(gr, examples), [tried, *tries])  # after a page load or any change
            corpus_tab(gr, rag, writes, outlets, demo, settings.read_only, refresh)
            if not settings.read_only:  # a read-only server takes no upload, and a batch is one
                batch_tab(gr, rag)
            timeline_tab(gr, rag)
            eval_tab(gr, rag)
        inputs = [box, turns, llm, top_k, retriever, outlets, date_from, date_to, length]
        outputs = [view, turns, box, md_file, js_file]
        send.click(chat_handler(rag, kinds), inputs, outputs, api_name="ask")
        box.submit(chat_handler(rag, kinds), inputs, outputs, api_visibility="private")
        clear.click(lambda: (transcript([]), [], *exports([])), None, [view, turns, md_file, js_file])
        for event in (demo.load, chat_tab.select):
            event(refresh[0], None, refresh[1], api_visibility="private")
        for button in tries:  # a click puts its question in the box (in the browser), to send or change first
            button.click(None, button, box, js="(q) => q", api_visibility="private")
        llm.change(lambda v: backend_status(rag, v, kinds), llm, status, api_name="answerer_status")
    return demo


def check_address(host: str, port: int) -> None:
    """Refuse, before anything loads, a host this machine cannot bind or a port already taken,
    in words that say which setting to change (Gradio would say "Cannot find empty port")."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError):
        raise ConfigError(f"host {host!r} is not a name or address this machine can listen on; "
                          "choose another with --host (e.g. 127.0.0.1)") from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: a closing socket is no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            taken = exc.errno == errno.EADDRINUSE
            raise ConfigError(f"Port {port} is in use; choose another with --port" if taken else
                              f"cannot listen on {host}:{port} ({exc.strerror}); choose another --host or --port") from None


def url_host(host: str) -> str:
    """The host as a URL names it: an IPv6 address in brackets (http://[::1]:7860)."""
    return f"[{host}]" if ":" in host else host


def guards(settings: Settings, demo, login: bool) -> list:
    """The ASGI middleware that refuses requests before Gradio sees them (rag/web/guard.py)."""
    from starlette.middleware import Middleware

    # "predict" is Gradio's own route: its page calls /run/predict with a function's index in the body
    names = frozenset(fn.api_name for fn in demo.fns.values() if fn.api_name) | {"predict"}
    chain = [Middleware(RefuseRemoteFiles), Middleware(KnownEndpoints, names=names)]
    if settings.read_only:
        chain.append(Middleware(RefuseUploads, limit=settings.max_file_bytes))
    if login:
        chain.append(Middleware(LoginLimit))
    return chain


def launch(settings: Settings, **extra):
    """Serve the web chat on settings.host:port (127.0.0.1 by default), never as a share link.
    Returns the running app when `prevent_thread_lock=True` is passed (tests)."""
    check_address(settings.host, settings.port)
    rights = access(settings)  # refuses half-configured auth and an open network host before anything loads
    demo = build(settings)
    demo.queue(max_size=settings.queue_size, default_concurrency_limit=settings.concurrency)
    blocked = [str(p.resolve()) for p in (settings.index_dir, settings.upload_dir, Path("rag.toml"), Path(".env"))]
    host = url_host(settings.host)  # Gradio builds its own URL from this name, and unbrackets it to bind
    print(f"Web chat at http://{host}:{settings.port} (Ctrl-C to stop). {rights.summary}", flush=True)
    demo.launch(server_name=host, server_port=settings.port, share=False, auth=rights.login,
                allowed_paths=[], blocked_paths=blocked, max_file_size=settings.max_file_bytes,
                show_error=False, footer_links=[], ssr_mode=False, css=CSS + EVAL_CSS, js=JS, run_history=False,
                app_kwargs={"middleware": guards(settings, demo, rights.login is not None)},
                **{"quiet": True, **extra})
    return demo
