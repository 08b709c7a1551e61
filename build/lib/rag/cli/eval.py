"""`rag eval`: run the gold set, sweep settings, compare runs."""

from __future__ import annotations

import json
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
    gold: Annotated[Optional[Path], typer.Option(help="Gold set (.jsonl or .csv; format in eval/README.md); default: setting gold_set.")] = None,
    name: Annotated[Optional[str], typer.Option(help="Report folder name under eval/reports/ (default: a timestamp).")] = None,
    sweep: Annotated[Optional[list[str]], typer.Option(help="SETTING=V1,V2 (repeatable): evaluate every combination on a fresh index of --corpus.")] = None,
    corpus: Annotated[Path, typer.Option(help="Corpus indexed for each sweep combination.")] = Path("corpus"),
    reports: Annotated[Path, typer.Option(help="Where report folders go.")] = ROOT_EVAL / "reports",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    judge: Annotated[str, typer.Option(help="offline (default) or llm: also ask the configured LLM whether each answer is faithful to its quotes.")] = "offline",
    config: ConfigOpt = None,
) -> None:
    """Answer every gold question and report retrieval and answer metrics (`rag eval compare A B` compares runs)."""
    if ctx.invoked_subcommand:
        return
    from rag.eval.gold import load_gold
    from rag.eval.report import write_run, write_sweep
    from rag.eval.run import evaluate, llm_judge, parse_sweep, summarize
    from rag.eval.run import sweep as run_sweep
    from rag.service import Rag

    settings = load_settings(config)
    items = load_gold(gold or settings.gold_set)
    if judge not in ("offline", "llm"):
        raise InputError(f"--judge must be offline or llm, got {judge!r}")
    judge_fn = llm_judge(_backend(settings, "auto").llm) if judge == "llm" else None
    folder = reports / (name or time.strftime("%Y%m%d-%H%M%S"))
    grid = parse_sweep(sweep or [])
    with _progress() as bar:
        total = len(items) * max(1, _combos(grid))
        task = bar.add_task("evaluating", total=total, item="")
        tick = lambda: bar.update(task, advance=1)  # noqa: E731
        if grid:
            runs = run_sweep(settings, grid, corpus, items, tick, judge_fn)
            summaries = [(params, summarize(rows)) for params, rows in runs]
            for (params, rows), (_, summary) in zip(runs, summaries):
                label = "_".join(f"{k}-{v}" for k, v in params.items())
                write_run(folder / label, rows, summary, {**settings.model_dump(mode="json"), **params})
            write_sweep(folder, summaries)
            result = [{"params": p, "summary": s} for p, s in summaries]
        else:
            rows = evaluate(Rag(settings), items, tick, judge_fn)
            result = summarize(rows)
            write_run(folder, rows, result, settings.model_dump(mode="json"), items)
    _show(result, as_json)
    err.print(f"report: {folder / 'report.md'}")


def _backend(settings, kind: str):
    """An LLM backend for eval work; `auto` here means: whichever LLM is configured, or an error."""
    from rag.answer.llm import choose

    backend, notice = choose(settings, kind)
    if backend is None:
        raise InputError(f"an LLM is needed here, but {notice.removeprefix('answered offline: ')}")
    return backend


def _combos(grid: dict) -> int:
    n = 1
    for values in grid.values():
        n *= len(values)
    return n if grid else 0


def _show(result, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(result))
        return
    for entry in result if isinstance(result, list) else [{"params": {}, "summary": result}]:
        if entry["params"]:
            typer.echo(", ".join(f"{k}={v}" for k, v in entry["params"].items()))
        for key, value in entry["summary"].items():
            typer.echo(f"  {key:28} {value}")


@eval_app.command()
@friendly
def suite(
    spec: Annotated[Path, typer.Option("--suite", help="Suite file: gold sets and the corpora each is asked against.")] = ROOT_EVAL / "suite.json",
    name: Annotated[Optional[str], typer.Option(help="Report folder name under eval/reports/ (default: a timestamp).")] = None,
    reports: Annotated[Path, typer.Option(help="Where report folders go.")] = ROOT_EVAL / "reports",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summaries as JSON.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Every gold set of the suite on a fresh index of its own corpora, one report each and a table.

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
    run_a: Annotated[Path, typer.Argument(help="Report folder of the baseline run.")],
    run_b: Annotated[Path, typer.Argument(help="Report folder of the new run.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per-metric deltas (B - A) with 95% bootstrap intervals, and the questions that flipped."""
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
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the drafted gold set (.jsonl).")],
    per_article: Annotated[int, typer.Option(min=1, max=100, help="Most drafts per article.")] = 5,
    llm: Annotated[Optional[str], typer.Option("--llm", help="Draft with this LLM backend (openai, ollama, llamacpp, auto) instead of templates.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Draft synthetic question/evidence pairs from every indexed article (marked synthetic: review them).

    Offline, templates turn fact-bearing sentences into questions; with --llm, llama-index's
    DatasetGenerator asks the model for one question per passage."""
    from rag.eval.drafts import drafts, llm_drafts, passages
    from rag.service import Rag

    settings = load_settings(config)
    rag = Rag(settings)
    rag.open_index()
    articles = rag.articles(with_text=True)
    if llm:
        backend = _backend(settings, llm)
        rows = llm_drafts(passages(rag.chunks_of, articles, per_article), backend.llm)
    else:
        rows = [d for article in articles for d in drafts(article, per_article)]
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as fh:
        for n, row in enumerate(rows, 1):
            fh.write(json.dumps({"id": f"syn{n:04d}", **row}, ensure_ascii=False) + "\n")
    typer.echo(f"{len(rows)} synthetic questions drafted into {output}")
