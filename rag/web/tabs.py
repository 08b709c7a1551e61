"""The web chat's Corpus, Batch and Eval tabs: thin handlers over rag/ functions."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rag.errors import RagError
from rag.web.corpus import corpus_rows, outlet_choices
from rag.web.guard import forget_uploaded_copies
from rag.web.render import esc


def _error(message: str) -> str:
    return f'<div class="notice" id="corpus-error" role="alert">⚠ {esc(message)}</div>'


def corpus_tab(gr, rag, writes, outlets) -> None:
    from rag.ingest.uploads import ingest_uploads

    headers = ["file", "title", "outlet", "date", "chunks"]
    catalog = rag.catalog()
    with gr.Tab("Corpus", id="corpus"):
        table = gr.Dataframe(corpus_rows(catalog), headers=headers, interactive=False, wrap=True, elem_id="articles",
                             column_widths=["22%", "42%", "16%", "12%", "8%"])
        files = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
                        label="Add articles (.txt .md .html .pdf)", elem_id="upload")
        add = gr.Button("Index uploaded files", variant="primary", elem_id="index-upload")
        message = gr.HTML(elem_id="corpus-status")
        with gr.Row():
            pick = gr.Dropdown([a.source for a in catalog], label="Article", allow_custom_value=False)
            delete = gr.Button("Delete article", variant="stop")
            reindex = gr.Button("Re-index")

    def refreshed(msg: str):
        catalog = rag.catalog()  # read from the index now: other sessions may have changed it
        return (corpus_rows(catalog), msg, gr.update(choices=[a.source for a in catalog], value=None),
                gr.update(choices=outlet_choices(catalog)))

    def index(uploaded, progress=gr.Progress()):
        progress(0, desc="indexing")
        items = [(Path(getattr(f, "name", f)), getattr(f, "orig_name", None) or Path(getattr(f, "name", f)).name)
                 for f in uploaded or []]
        try:
            with writes:
                ok, bad = ingest_uploads(rag, items)
        finally:
            forget_uploaded_copies([path for path, _ in items])
        msg = (f"<div id='corpus-ok'>Indexed: {esc(', '.join(ok))}</div>" if ok else "") + "".join(_error(b) for b in bad)
        return (*refreshed(msg or _error("no file was uploaded")), None)  # None empties the upload box

    def remove(source):
        try:
            with writes:
                rag.delete(source or "")
            return refreshed(f"Deleted {esc(source)}")
        except RagError as exc:
            return refreshed(_error(str(exc)))

    def again():
        with writes:
            report = rag.reindex()
        return refreshed(f"Re-indexed: {esc(report.summary())}" + "".join(_error(f"{p}: {r}") for p, r in report.failed))

    outs = [table, message, pick, outlets]
    add.click(index, files, outs + [files], concurrency_limit=1)
    delete.click(remove, pick, outs, concurrency_limit=1)
    reindex.click(again, None, outs, concurrency_limit=1)


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
        try:
            rows, problems = read_questions(path)
            out = Path(tempfile.mkdtemp(prefix="rag-batch-")) / f"{path.stem}-answers.jsonl"
            bar = progress.tqdm(range(len(rows)), desc="answering")
            ticks = iter(bar)
            report = run_batch(rows, out, lambda q, qid: rag.ask(q, qid=qid), progress=lambda: next(ticks, None))
        except RagError as exc:
            return _error(str(exc)), None
        notes = "".join(_error(p) for p in problems + report.problems)
        return f"{report.answered} answered{notes}", str(out)

    go.click(run, qfile, [status, result], concurrency_limit=2)


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
            bar = iter(progress.tqdm(range(len(items)), desc="evaluating"))
            rows = evaluate(rag, items, lambda: next(bar, None))
        except RagError as exc:
            return _error(str(exc)), None, None, None
        summary = summarize(rows)
        folder = write_run(Path(tempfile.mkdtemp(prefix="rag-eval-")) / "web", rows, summary,
                           rag.settings.model_dump(mode="json"))
        return "", [[k, v] for k, v in summary.items()], str(folder / "metrics.png"), str(folder / "latency.png")

    go.click(run, None, [status, table, plot, latency], concurrency_limit=1)
