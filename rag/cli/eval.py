"""`rag eval`: run the gold set, sweep settings, compare runs."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from rag.cli.common import ConfigOpt, _progress, err, friendly
from rag.errors import InputError
from rag.settings import load_settings

eval_app = typer.Typer(help="Measure retrieval and answers on a gold question set.", invoke_without_command=True)
ROOT_EVAL = Path("eval")


@eval_app.callback()
@friendly
def run(
    ctx: typer.Context,
    gold: Annotated[Optional[Path], typer.Option(metavar="FILE", help="Gold set (.jsonl or .csv; format in eval/README.md); default: setting gold_set.")] = None,
    name: Annotated[Optional[str], typer.Option(metavar="NAME", help="Report folder name under eval/reports/ (default: a timestamp).")] = None,
    sweep: Annotated[Optional[list[str]], typer.Option(metavar="SETTING=V1,V2", help="SETTING=V1,V2 (repeatable): evaluate every combination on a fresh index of --corpus.")] = None,
    corpus: Annotated[Path, typer.Option(metavar="FOLDER", help="Corpus indexed for each sweep combination.")] = Path("corpus"),
    reports: Annotated[Path, typer.Option(metavar="FOLDER", help="Where report folders go.")] = ROOT_EVAL / "reports",
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print the summary as JSON.")] = False,
    judge: Annotated[str, typer.Option(metavar="offline|llm", help="offline (default) or llm: also ask the configured LLM whether each answer is faithful to its quotes.")] = "offline",
    config: ConfigOpt = None,
) -> None:
    """Answer every gold question and report retrieval and answer metrics.

    `rag eval compare A B` compares two runs.

    Example: rag eval --gold eval/gold.jsonl --name baseline"""
    if ctx.invoked_subcommand:
        return
    from rag.eval.gold import load_gold
    from rag.eval.report import eval_report, write_sweep
    from rag.eval.run import llm_judge, parse_sweep
    from rag.eval.run import sweep as run_sweep
    from rag.service import Rag

    settings = load_settings(config)
    items = load_gold(gold or settings.gold_set)
    if judge not in ("offline", "llm"):
        raise InputError(f"--judge must be offline or llm, got {judge!r}")
    rag = Rag(settings)  # one LLM load serves the judge and the answers
    judge_fn = llm_judge(rag.llm("auto")) if judge == "llm" else None
    folder = reports / (name or time.strftime("%Y%m%d-%H%M%S"))
    grid = parse_sweep(sweep or [])
    with _progress() as bar:
        task = bar.add_task("evaluating", total=len(items) * math.prod(len(v) for v in grid.values()), item="")
        tick = lambda: bar.update(task, advance=1)  # noqa: E731
        if grid:
            runs = run_sweep(settings, grid, corpus, items, tick, judge_fn)
            results = write_sweep(folder, runs, settings.model_dump(mode="json"), items)
        else:
            results = [({}, eval_report(rag, items, folder, tick, judge_fn))]
    _show(results, as_json and not grid, as_json)
    err.print(f"report: {folder / 'report.md'}")


def _show(results: list[tuple[dict, dict]], single_json: bool, as_json: bool) -> None:
    """One summary, or one per sweep combination (JSON: the summary, or a list of params and summary)."""
    if as_json:
        typer.echo(json.dumps(results[0][1] if single_json else [{"params": p, "summary": s} for p, s in results]))
        return
    for params, summary in results:
        if params:
            typer.echo(", ".join(f"{k}={v}" for k, v in params.items()))
        for key, value in summary.items():
            typer.echo(f"  {key:28} {value}")


@eval_app.command()
@friendly
def suite(
    spec: Annotated[Path, typer.Option("--suite", metavar="FILE", help="Suite file: gold sets and the corpora each is asked against.")] = ROOT_EVAL / "suite.json",
    name: Annotated[Optional[str], typer.Option(metavar="NAME", help="Report folder name under eval/reports/ (default: a timestamp).")] = None,
    reports: Annotated[Path, typer.Option(metavar="FOLDER", help="Where report folders go.")] = ROOT_EVAL / "reports",
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print the summaries as JSON.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Every gold set of the suite, each on a fresh index of its own corpora, and one table.

    Example: rag eval suite --name after-change (sample, held-out, dev corpus, and both with distractors)."""
    from rag.eval.report import suite_table, write_suite
    from rag.eval.run import load_suite, run_suite

    settings = load_settings(config)
    entries = load_suite(spec)
    folder = reports / (name or time.strftime("suite-%Y%m%d-%H%M%S"))
    with _progress() as bar:
        task = bar.add_task("evaluating", total=sum(len(e["items"]) for e in entries), item="")
        runs = run_suite(settings, entries, lambda: bar.update(task, advance=1))
    table = write_suite(folder, runs, settings.model_dump(mode="json"))
    typer.echo(json.dumps(table) if as_json else suite_table(table))
    err.print(f"reports: {folder}/*/report.md")


@eval_app.command()
@friendly
def compare(
    run_a: Annotated[Path, typer.Argument(metavar="RUN", help="Report folder of the baseline run.")],
    run_b: Annotated[Path, typer.Argument(metavar="RUN", help="Report folder of the new run.")],
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON.")] = False,
) -> None:
    """Per-metric deltas (B - A) with 95% bootstrap intervals, and the questions that flipped.

    Example: rag eval compare eval/reference/defaults eval/reports/NAME"""
    from rag.eval.report import compare_runs

    result = compare_runs(run_a, run_b)
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"{result['questions']} questions in both runs\n")
    for key, m in result["metrics"].items():
        typer.echo(f"  {key:28} {m['delta']:+.3f}  [{m['ci_low']:+.3f}, {m['ci_high']:+.3f}]  n={m['n']}")
    typer.echo(f"\nflipped ({len(result['flipped'])}):")
    for f in result["flipped"]:
        typer.echo(f"  {f['id']} {f['metric']}: {f['a']} -> {f['b']}  {f['question']}")


@eval_app.command()
@friendly
def generate(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FILE", help="Where to write the drafted gold set (.jsonl).")],
    per_article: Annotated[int, typer.Option(metavar="N", min=1, max=100, help="Most drafts per article.")] = 5,
    llm: Annotated[Optional[str], typer.Option("--llm", metavar="ANSWERER", help="Draft with this LLM backend (openai, ollama, llamacpp, auto) instead of templates.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Draft synthetic questions from every indexed article, marked synthetic for review.

    Offline, templates turn fact-bearing sentences into questions; with --llm, llama-index's DatasetGenerator asks the model for one question per passage."""
    from rag.eval.drafts import drafts, llm_drafts, passages
    from rag.service import Rag

    rag = Rag(load_settings(config))
    rag.open_index()
    articles = rag.articles(with_text=True)
    if llm:
        rows = llm_drafts(passages(rag.chunks_of, articles, per_article), rag.llm(llm))
    else:
        rows = [d for article in articles for d in drafts(article, per_article)]
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as fh:
        for n, row in enumerate(rows, 1):
            fh.write(json.dumps({"id": f"syn{n:04d}", **row}, ensure_ascii=False) + "\n")
    typer.echo(f"{len(rows)} synthetic questions drafted into {output}")
