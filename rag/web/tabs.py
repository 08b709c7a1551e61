"""The web chat's Corpus, Batch and Eval tabs: thin handlers over rag/ functions."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from rag.errors import RagError
from rag.web.corpus import corpus_rows, outlet_choices
from rag.web.guard import forget_uploaded_copies
from rag.web.render import esc


def _error(message: str) -> str:
    return f'<div class="notice" id="corpus-error" role="alert">⚠ {esc(message)}</div>'


def _ok(message: str, elem_id: str = "corpus-ok") -> str:
    return f'<div id="{elem_id}">{esc(message)}</div>'


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


def corpus_tab(gr, rag, writes, outlets, demo, read_only: bool = False) -> None:
    """The corpus table; unless `read_only`, also upload, delete and re-index (their API endpoints
    exist only then: a read-only server has nothing for a client to call)."""
    headers = ["file", "title", "outlet", "date", "chunks"]
    with gr.Tab("Corpus", id="corpus") as tab:
        table = gr.Dataframe([], headers=headers, interactive=False, wrap=True, elem_id="articles",
                             column_widths=["22%", "42%", "16%", "12%", "8%"])
        if read_only:
            gr.Markdown("This server is read-only: articles cannot be added, deleted or re-indexed here.",
                        elem_id="read-only")
            message, pick = gr.HTML(visible=False), gr.Dropdown([], visible=False, allow_custom_value=True)
        else:
            message, pick = _corpus_writes(gr, rag, writes, table, outlets)
    for event in (tab.select, demo.load):  # a new page or a return to the tab shows the index as it is now
        event(lambda: _refreshed(gr, rag, ""), None, [table, message, pick, outlets])


def _refreshed(gr, rag, msg: str) -> tuple:
    catalog = rag.catalog()  # read from the index now: other sessions and the CLI may have changed it
    return (corpus_rows(catalog), msg, gr.update(choices=[a.source for a in catalog], value=None),
            gr.update(choices=outlet_choices(catalog)))


def _corpus_writes(gr, rag, writes, table, outlets) -> tuple:
    """Upload, delete (after a confirmation naming the article) and re-index; returns (message, pick)."""
    from rag.ingest.uploads import ingest_uploads

    files = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
                    label="Add articles (.txt .md .html .pdf)", elem_id="upload")
    add = gr.Button("Index uploaded files", variant="primary", elem_id="index-upload")
    message = gr.HTML(elem_id="corpus-status")
    with gr.Row():
        # any value: the index decides what exists (choices sent at page load go stale)
        pick = gr.Dropdown([], label="Article", allow_custom_value=True, elem_id="pick")
        delete = gr.Button("Delete article…", variant="stop", elem_id="delete")
        reindex = gr.Button("Re-index", elem_id="reindex")
    with gr.Row(visible=False, elem_id="confirm-row") as confirm:
        asked = gr.HTML(elem_id="confirm-text")
        yes = gr.Button("Yes, delete", variant="stop", elem_id="confirm-delete")
        no = gr.Button("Cancel", elem_id="cancel-delete")
    pending = gr.State(None)  # the article the confirmation names, whatever the dropdown shows by then
    outs = [table, message, pick, outlets]

    def refreshed(msg: str):
        return _refreshed(gr, rag, msg)

    def busy(uploaded):
        n = len(uploaded or [])
        note = _ok(f"Indexing {n} file{'s' * (n != 1)}… add more when this finishes.", "corpus-busy") if n else ""
        return gr.update(interactive=False), gr.update(interactive=False), note

    def index(uploaded, progress=gr.Progress()):
        items = [(Path(getattr(f, "name", f)), getattr(f, "orig_name", None) or Path(getattr(f, "name", f)).name)
                 for f in uploaded or []]
        start, step = counted(progress, "files")
        try:
            with writes:
                report = ingest_uploads(rag, items, progress=step, on_start=start)
        finally:
            forget_uploaded_copies([path for path, _ in items])
        msg = (_ok(f"Indexed: {', '.join(report.indexed)}") if report.indexed else "") + "".join(
            _ok(f"Already indexed: {a}", "corpus-already") for a in report.already) + "".join(map(_error, report.refused))
        msg = msg or _error("choose files to add first (and wait until they have uploaded)")
        return (*refreshed(msg), gr.update(value=None, interactive=True), gr.update(interactive=True))

    def confirm_delete(source):
        article = rag.article(source or "")
        if article is None:
            return None, "", gr.update(visible=False), _error(f"{source!r} is not in the index" if source else
                                                             "choose an article to delete")
        question = f"Delete “{article.title}” ({source}) from the index? Its passages will no longer be cited."
        return source, _ok(question, "confirm-question"), gr.update(visible=True), ""

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
        return refreshed(f"Re-indexed: {esc(report.summary())}" + "".join(_error(f"{p}: {r}") for p, r in report.failed))

    add.click(busy, files, [files, add, message], queue=False).then(
        index, files, outs + [files, add], concurrency_limit=1, show_progress_on=[message])
    delete.click(confirm_delete, pick, [pending, asked, confirm, message])
    yes.click(remove, pending, outs + [confirm, pending], concurrency_limit=1, show_progress_on=[message])
    no.click(lambda: (gr.update(visible=False), None), None, [confirm, pending])
    reindex.click(again, None, outs, concurrency_limit=1, show_progress_on=[message])
    return message, pick


def batch_tab(gr, rag) -> None:
    from rag.batch import read_questions, run_batch

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
        path = Path(getattr(upload, "name", upload))
        shown = getattr(upload, "orig_name", None) or path.name  # never the temporary upload path
        try:
            rows, problems = read_questions(path, shown)
            out = Path(tempfile.mkdtemp(prefix="rag-batch-")) / f"{Path(shown).stem}-answers.jsonl"
            bar = progress.tqdm(range(len(rows)), desc="answering", unit="questions")
            ticks = iter(bar)
            report = run_batch(rows, out, lambda q, qid: rag.ask(q, qid=qid), progress=lambda: next(ticks, None))
        except RagError as exc:
            return _error(str(exc)), None
        notes = "".join(_error(p) for p in problems + report.problems)
        return f"{report.answered} answered{notes}", str(out)

    go.click(run, qfile, [status, result], concurrency_limit=2, show_progress_on=[status])


def eval_tab(gr, rag) -> None:
    with gr.Tab("Eval", id="eval"):
        gr.Markdown(f"Run the retrieval and answer eval on `{rag.settings.gold_set}` against the current index.")
        go = gr.Button("Run eval", variant="primary", elem_id="eval-run")
        status = gr.HTML(elem_id="eval-status")
        table = gr.Dataframe(headers=["metric", "value"], interactive=False, elem_id="eval-table")
        with gr.Row():
            plot = gr.Image(label="Metrics", type="filepath", elem_id="eval-metrics")
            latency = gr.Image(label="Latency", type="filepath", elem_id="eval-latency")

    def run(progress=gr.Progress()):
        from rag.eval.gold import load_gold
        from rag.eval.report import write_run
        from rag.eval.run import evaluate, summarize

        try:
            items = load_gold(rag.settings.gold_set)
            bar = iter(progress.tqdm(range(len(items)), desc="evaluating", unit="questions"))
            rows = evaluate(rag, items, lambda: next(bar, None))
        except RagError as exc:
            return _error(str(exc)), None, None, None
        summary = summarize(rows)
        folder = write_run(Path(tempfile.mkdtemp(prefix="rag-eval-")) / "web", rows, summary,
                           rag.settings.model_dump(mode="json"))
        return "", [[k, v] for k, v in summary.items()], str(folder / "metrics.png"), str(folder / "latency.png")

    go.click(run, None, [status, table, plot, latency], concurrency_limit=1, show_progress_on=[status])
