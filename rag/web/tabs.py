"""The web chat's Corpus, Batch and Eval tabs: thin handlers over rag/ functions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rag.errors import RagError
from rag.ingest.readers import listing, suffixes
from rag.ingest.uploads import ingest_uploads
from rag.service.batch import read_questions, run_batch
from rag.web.corpus import corpus_rows, outlet_choices
from rag.web.guard import forget_uploaded_copies
from rag.web.render import esc
from rag.web.scratch import scratch_folder


# Messages go into a tab's status box (e.g. #corpus-status, #batch-status), one or more at
# a time, so they are told apart by class, never by an id that could repeat.
def _error(message: str) -> str:
    return f'<div class="notice error" role="alert">⚠ {esc(message)}</div>'


def _ok(message: str, kind: str = "ok") -> str:
    return f'<div class="{kind}">{esc(message)}</div>'


def _uploaded(f) -> tuple[Path, str]:
    """Gradio's temporary path of an upload, and the name it was uploaded under."""
    path = Path(getattr(f, "name", f))
    return path, getattr(f, "orig_name", None) or path.name


def counted(progress, unit: str) -> tuple[Callable[[int], None], Callable[..., None]]:
    """(on_start, step) callbacks that show one bar with counts: "12 of 40 files"."""
    seen = [0, 0]  # done, total

    def start(total: int) -> None:
        seen[:] = [0, total]
        progress(0, desc=f"0 of {total} {unit}")

    def step(*_) -> None:
        seen[0] += 1
        progress(seen[0] / max(seen[1], 1), desc=f"{seen[0]} of {seen[1]} {unit}")

    return start, step


def corpus_tab(gr, rag, writes, outlets, demo, read_only: bool = False, after=None) -> None:
    """The corpus table; unless `read_only`, also upload, delete and re-index (their API endpoints
    exist only then: a read-only server has nothing for a client to call). `after` is (function,
    outputs) to run once the index has changed (the chat's example questions)."""
    headers = ["file", "title", "outlet", "date", "chunks"]
    with gr.Tab("Corpus", id="corpus") as tab:
        table = gr.Dataframe([], headers=headers, interactive=False, wrap=True, elem_id="articles",
                             column_widths=["22%", "42%", "16%", "12%", "8%"])
        if read_only:
            gr.Markdown("This server is read-only: articles cannot be added, deleted or re-indexed here.",
                        elem_id="read-only")
            outs, shown = [table, outlets], lambda: _table_and_outlets(gr, rag)
        else:
            outs, shown = _corpus_writes(gr, rag, writes, table, outlets, after), lambda: _refreshed(gr, rag, "")
    for event in (tab.select, demo.load):  # a new page or a return to the tab shows the index as it is now
        event(shown, None, outs)


def _refreshed(gr, rag, msg: str) -> tuple:
    catalog = rag.catalog()  # read from the index now: other sessions and the CLI may have changed it
    return (corpus_rows(catalog), msg, gr.update(choices=[a.source for a in catalog], value=None),
            gr.update(choices=outlet_choices(catalog)))


def _table_and_outlets(gr, rag) -> tuple:
    rows, _, _, outlets = _refreshed(gr, rag, "")
    return rows, outlets


def _corpus_writes(gr, rag, writes, table, outlets, after=None) -> list:
    """Upload, delete (after a confirmation naming the article) and re-index; returns the
    components a refresh updates: table, message, article picker, outlets."""
    files = gr.File(file_count="multiple", file_types=list(suffixes()),
                    label=f"Add articles ({listing()})", elem_id="upload")
    add = gr.Button("Index uploaded files", variant="primary", elem_id="index-upload")
    message = gr.HTML(elem_id="corpus-status")
    with gr.Row():
        # any value: the index decides what exists (choices sent at page load go stale)
        pick = gr.Dropdown([], label="Article", allow_custom_value=True, elem_id="pick")
        delete = gr.Button("Delete article…", variant="stop", elem_id="delete")
        reindex = gr.Button("Re-index", elem_id="reindex")
    with gr.Row(visible=False) as confirm:
        asked = gr.HTML()
        yes = gr.Button("Yes, delete", variant="stop", elem_id="confirm-delete")
        no = gr.Button("Cancel", elem_id="cancel-delete")
    pending = gr.State(None)  # the article the confirmation names, whatever the dropdown shows by then
    outs = [table, message, pick, outlets]

    def refreshed(msg: str):
        return _refreshed(gr, rag, msg)

    def busy(uploaded):
        n = len(uploaded or [])
        note = _ok(f"Indexing {n} file{'s' * (n != 1)}… add more when this finishes.", "busy") if n else ""
        return gr.update(interactive=False), gr.update(interactive=False), note

    def index(uploaded, progress=gr.Progress()):
        items = [_uploaded(f) for f in uploaded or []]
        start, step = counted(progress, "files")
        try:
            with writes:
                report = ingest_uploads(rag, items, progress=step, on_start=start)
        finally:
            forget_uploaded_copies([path for path, _ in items])
        msg = (_ok(f"Indexed: {', '.join(report.indexed)}") if report.indexed else "") + "".join(
            _ok(f"Already indexed: {a}", "already") for a in report.already) + "".join(map(_error, report.refused))
        msg = msg or _error("choose files to add first (and wait until they have uploaded)")
        return (*refreshed(msg), gr.update(value=None, interactive=True), gr.update(interactive=True))

    def confirm_delete(source):
        article = rag.article(source or "")
        if article is None:
            return None, "", gr.update(visible=False), _error(f"{source!r} is not in the index" if source else
                                                             "choose an article to delete")
        question = f"Delete “{article.title}” ({source}) from the index? Its passages will no longer be cited."
        return source, f'<div id="confirm-question">{esc(question)}</div>', gr.update(visible=True), ""

    def remove(source):
        try:
            with writes:
                rag.delete(source or "")
            return (*refreshed(_ok(f"Deleted {source}")), gr.update(visible=False), None)
        except RagError as exc:
            return (*refreshed(_error(str(exc))), gr.update(visible=False), None)

    def again(progress=gr.Progress()):
        start, step = counted(progress, "files")
        with writes:
            report = rag.reindex(progress=step, on_start=start)
        notes = "".join(_error(line) if kind == "failed" else _ok(line, kind) for kind, line in report.notes())
        return refreshed(_ok(f"Re-indexed: {report.summary()}") + notes)

    changed = [add.click(busy, files, [files, add, message], queue=False).then(
        index, files, outs + [files, add], concurrency_limit=1, show_progress_on=[message])]
    delete.click(confirm_delete, pick, [pending, asked, confirm, message])
    changed.append(yes.click(remove, pending, outs + [confirm, pending], concurrency_limit=1, show_progress_on=[message]))
    no.click(lambda: (gr.update(visible=False), None), None, [confirm, pending])
    changed.append(reindex.click(again, None, outs, concurrency_limit=1, show_progress_on=[message]))
    for event in changed if after else ():
        event.then(after[0], None, after[1], api_visibility="private")
    return outs


def batch_tab(gr, rag) -> None:
    with gr.Tab("Batch", id="batch"):
        gr.Markdown("Upload questions (.jsonl with `question` and optional `id`, .csv with a `question` column, "
                    "or .txt with one a line); download one JSON answer record per line.")
        qfile = gr.File(file_types=[".jsonl", ".csv", ".txt"], label="Question file", elem_id="batch-file")
        go = gr.Button("Answer all", variant="primary", elem_id="batch-run")
        status = gr.HTML(elem_id="batch-status")
        result = gr.File(label="Answers (.jsonl)", elem_id="batch-result")

    def run(upload, progress=gr.Progress()):
        if upload is None:
            return _error("upload a question file first"), None
        path, shown = _uploaded(upload)  # messages name `shown`, never the temporary upload path
        start, step = counted(progress, "questions")
        try:
            rows, problems = read_questions(path, shown)
            out = scratch_folder("batch-") / f"{Path(shown).stem}-answers.jsonl"
            start(len(rows))
            report = run_batch(rows, out, lambda q, qid: rag.ask(q, qid=qid), progress=step, problems=problems)
        except RagError as exc:
            return _error(str(exc)), None
        finally:
            forget_uploaded_copies([path])  # read: another session must not fetch it from Gradio's folder
        return _ok(report.summary(out.name)) + "".join(map(_error, report.problems)), str(out)

    go.click(run, qfile, [status, result], concurrency_limit=2, show_progress_on=[status])
