"""The web chat's Eval tab: runs rag.eval's report on the gold set and shows what it wrote, headline
figures first (what a reader gets), then every wrong answer, the report to download, the plots and
the full metrics table. Nothing is computed here: figures come from the run's summary, the wrong
answers from rag.eval's `wrong_answers` over the rows the run wrote (as the report lists them)."""

from __future__ import annotations

import json
from pathlib import Path

from rag.errors import RagError
from rag.eval.gold import load_gold
from rag.eval.report import LOWER_IS_BETTER, eval_report
from rag.eval.run import wrong_answers
from rag.web.render import esc
from rag.web.scratch import scratch_folder
from rag.web.tabs import _error, counted

# (summary key, name, what it counts): the four a reader feels; which are better lower, rag.eval.report says
HEADLINE = [
    ("key_fact_accuracy", "Key facts right", "answerable questions whose answer holds the key facts"),
    ("assertion_precision", "Short answers right", "bold short answers that are right, of those given"),
    ("false_decline", "Answerable declined", "answerable questions declined wrongly"),
    ("declined_unanswerable", "Unanswerable declined", "unanswerable questions declined rightly"),
]
# The bars: shares where higher is better, and apart from them those where lower is better (a
# false decline drawn beside accuracies read as one more good bar).
HIGHER = [("Retrieval", ["article_hit", "article_mrr", "chunk_hit", "chunk_recall", "evidence_recall"]),
          ("Answers", ["key_fact_accuracy", "assertion_precision", "assertion_coverage", "declined_unanswerable",
                       "citation_precision", "citation_source_precision"])]
LOWER = list(LOWER_IS_BETTER)

EVAL_CSS = """
#eval-headline .figures {display:grid; grid-template-columns:repeat(4, minmax(0, 1fr)); gap:12px}
#eval-headline .figure {border:1px solid #e3e5e8; border-radius:10px; padding:10px 14px; background:#fafbfc}
#eval-headline .figure .value {font-size:28px; font-weight:600; color:#111827}
#eval-headline .figure .name {font-weight:600; color:#111827}
#eval-headline .figure .what, .better {font-size:13px; color:#55606e}
.bars {display:flex; flex-direction:column; gap:4px; margin-bottom:10px}
.bar-row {display:grid; grid-template-columns:220px 1fr 60px; align-items:center; gap:8px; font-size:14px}
.bar-track {background:#eef0f3; border-radius:4px; height:14px}
.bar {background:#4c72b0; height:14px; border-radius:4px}
.bars.lower .bar {background:#c44e52}
.wrong {border:1px solid #e3e5e8; border-radius:10px; padding:8px 12px; margin-bottom:8px; font-size:14px}
.wrong .q {font-weight:600}
#eval-latency .image-container {padding-top:34px}  /* under its label and buttons, not behind them */
#eval-latency img {object-fit:contain !important; height:auto !important; max-height:none !important}
"""


def percent(value) -> str:
    return "—" if value is None else f"{100 * value:.0f}%"


def headline_html(summary: dict) -> str:
    cards = "".join(
        f'<div class="figure" data-key="{key}"><div class="name">{esc(name)}</div>'
        f'<div class="value">{percent(summary.get(key))}</div><div class="what">{esc(what)}</div>'
        f'<div class="better">{"lower" if key in LOWER_IS_BETTER else "higher"} is better</div></div>'
        for key, name, what in HEADLINE)
    counts = (f'{summary.get("questions", 0)} questions: {summary.get("answerable", 0)} answerable, '
              f'{summary.get("unanswerable", 0)} unanswerable')
    return f'<div class="figures">{cards}</div><p class="better">{esc(counts)}</p>'


def bars_html(summary: dict) -> str:
    def rows(keys: list[str]) -> str:
        return "".join(
            f'<div class="bar-row" data-key="{k}"><span>{esc(k.replace("_", " "))}</span><div class="bar-track">'
            f'<div class="bar" style="width:{100 * min(max(summary[k], 0), 1):.1f}%"></div></div>'
            f'<span>{percent(summary[k])}</span></div>' for k in keys if summary.get(k) is not None)

    out = "".join(f'<h4>{esc(group)} <span class="better">(higher is better)</span></h4><div class="bars higher">'
                  f'{rows(keys)}</div>' for group, keys in HIGHER)
    return out + ('<h4>Declines <span class="better">(lower is better)</span></h4>'
                  f'<div class="bars lower">{rows(LOWER)}</div>')


def wrong_html(wrong: list[dict]) -> str:
    """The report's "Wrong answers" section, escaped: an answer quotes articles, which may hold markup."""
    if not wrong:
        return "<h3>Wrong answers (0)</h3><p>None: every question got the outcome it should.</p>"
    return f"<h3>Wrong answers ({len(wrong)})</h3>" + "".join(map(_wrong_one, wrong))


def _wrong_one(w: dict) -> str:
    said = f"said ({w['status']})" if w.get("status") else "said"
    confidence = "—" if w.get("confidence") is None else f"{w['confidence']:.2f}"
    return (f'<div class="wrong"><div class="q">{esc(w["id"])}: {esc(w["question"])}</div>'
            f'<div>expected: {esc(str(w["expected"]))}</div><div>{esc(said)}: {esc(str(w["said"]))}</div>'
            f'<div class="better">cited: {esc(", ".join(w["cited"]) or "none")}; confidence {confidence}</div></div>')


def report_html(report: Path) -> str:
    return (f'<div>Report: <code>{esc(str(report))}</code> (with its plots beside it; kept for an hour: '
            "download it to keep it)</div>")


def eval_tab(gr, rag) -> None:
    with gr.Tab("Eval", id="eval"):
        gr.Markdown(f"Run the retrieval and answer eval on `{rag.settings.gold_set}` against the current index.")
        go = gr.Button("Run eval", variant="primary", elem_id="eval-run")
        status = gr.HTML()
        headline = gr.HTML(elem_id="eval-headline")
        with gr.Row(equal_height=True):
            report = gr.HTML(elem_id="eval-report-path")
            download = gr.File(label="report.md", elem_id="eval-report", interactive=False, height=80)
        with gr.Row(equal_height=False):
            bars = gr.HTML(elem_id="eval-bars")
            # the whole plot at its own proportions (a fixed-height box cut its top off); no "share"
            # button: that posts to Hugging Face, and the product is offline
            latency = gr.Image(label="Latency", type="filepath", elem_id="eval-latency", height=None,
                               buttons=["download", "fullscreen"])
        wrong = gr.HTML(elem_id="eval-wrong")
        table = gr.Dataframe(headers=["metric", "value"], interactive=False, elem_id="eval-table")

    def run(progress=gr.Progress()):
        start, step = counted(progress, "questions")
        folder = scratch_folder("eval-") / "web"
        try:
            items = load_gold(rag.settings.gold_set)
            start(len(items))
            summary = eval_report(rag, items, folder, step)
        except RagError as exc:
            return _error(str(exc)), "", "", None, "", "", None, None
        rows = [json.loads(line) for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines()]
        missed = wrong_answers(rows, {g.id: g for g in items})  # as report.md lists them
        return ("", headline_html(summary), report_html(folder / "report.md"), str(folder / "report.md"),
                wrong_html(missed), bars_html(summary), str(folder / "latency.png"), [[k, v] for k, v in summary.items()])

    go.click(run, None, [status, headline, report, download, wrong, bars, latency, table], concurrency_limit=1,
             show_progress_on=[status])
