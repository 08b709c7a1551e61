"""Eval reports: per-question JSONL, summary JSON, a Markdown report with matplotlib plots."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from rag.errors import InputError
from rag.eval.metrics import bootstrap_delta
from rag.eval.outcomes import risk_coverage
from rag.eval.run import ANSWER_KEYS, RETRIEVAL_KEYS, evaluate, summarize, tradeoff, wrong_answers

THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]
LOWER_IS_BETTER = ("false_decline",)  # shares where lower is better: never drawn among the others

TABLE_KEYS = ["article_hit", "article_mrr", "chunk_hit", "chunk_recall", "evidence_recall", "key_fact_accuracy",
              "declined_unanswerable", "false_decline", "citation_precision", "citation_source_precision",
              "latency_p50_ms", "latency_p95_ms"]


def write_run(folder: Path, rows: list[dict], summary: dict, settings: dict, gold: list | None = None) -> Path:
    """results.jsonl, summary.json, report.md (with the decline trade-off and every wrong answer),
    metrics.png, latency.png and tradeoff.png under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "results.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (folder / "summary.json").write_text(json.dumps({"summary": summary, "settings": settings}, indent=2))
    _bar_plot(folder / "metrics.png", summary)
    _latency_plot(folder / "latency.png", [r["latency_ms"] for r in rows])
    lines = [f"# Eval: {folder.name}", "", _settings_line(settings), "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {fmt(summary.get(k))} |" for k in ["questions", "answerable", "unanswerable"] + RETRIEVAL_KEYS
              + ANSWER_KEYS + ["declined_unanswerable", "latency_p50_ms", "latency_p95_ms"]]
    lines += _outcome_lines(summary)
    lines += ["", "![metrics](metrics.png)", "", "![latency](latency.png)", ""]
    if all("confidence" in r for r in rows):
        lines += _tradeoff_lines(folder, rows, settings)
        _risk_plot(folder / "risk_coverage.png", risk_coverage(rows))
        lines += ["## Risk and coverage", "", "Questions answered (coverage) against the share of them answered "
                  "wrongly (risk), as the decline threshold moves over the confidences seen.", "",
                  "![risk-coverage](risk_coverage.png)", ""]
    if gold is not None:
        lines += _wrong_lines(wrong_answers(rows, {g.id: g for g in gold}))
    (folder / "report.md").write_text("\n".join(lines))
    return folder


def _outcome_lines(summary: dict) -> list[str]:
    """What a user would see: the bold short answers, and each question's outcome."""
    lines = ["", "## What a reader sees", "",
             f"Short answers right: **{fmt(summary.get('assertion_precision'))}** of those given (assertion "
             f"precision); right short answers for **{fmt(summary.get('assertion_coverage'))}** of answerable "
             f"questions (coverage); no short answer for **{fmt(summary.get('unanswerable_no_short'))}** of "
             f"unanswerable questions; outcome as the gold set expects: {fmt(summary.get('outcome_as_expected'))}.",
             "", "| questions | answered | passages | declined |", "|---|---|---|---|"]
    for who in ("answerable", "unanswerable"):
        lines.append(f"| {who} | " + " | ".join(fmt(summary.get(f"{who}_{s}")) for s in ("answered", "passages", "declined")) + " |")
    return lines


def _tradeoff_lines(folder: Path, rows: list[dict], settings: dict) -> list[str]:
    table = tradeoff(rows, THRESHOLDS)
    _tradeoff_plot(folder / "tradeoff.png", table)
    lines = ["## Decline threshold trade-off", "",
             f"Declined when the confidence is below the threshold (now `{settings.get('answer_threshold') or 'the model default'}`).", "",
             "| threshold | accuracy | answerable declined | unanswerable answered |", "|---|---|---|---|"]
    lines += [f"| {t['threshold']:.2f} | {fmt(t['accuracy'])} | {fmt(t['answerable_declined'])} | "
              f"{fmt(t['unanswerable_answered'])} |" for t in table]
    return lines + ["", "![trade-off](tradeoff.png)", ""]


def _wrong_lines(wrong: list[dict]) -> list[str]:
    lines = [f"## Wrong answers ({len(wrong)})", ""]
    for w in wrong:
        cited = ", ".join(w["cited"]) or "none"
        said = f"said ({w['status']})" if w.get("status") else "said"
        lines += [f"- **{w['id']}** {w['question']}", f"  - expected: {w['expected']}",
                  f"  - {said}: {w['said']}", f"  - cited: {cited}; confidence {fmt(w['confidence'])}"]
    return lines + [""]


def eval_report(rag, gold: list, folder: Path, progress=None, judge=None) -> dict:
    """Answer every gold question with `rag` and write the run's report under `folder` (as the
    CLI and the web chat's Eval tab both do); returns the summary."""
    rows = evaluate(rag, gold, progress, judge)
    summary = summarize(rows)
    write_run(folder, rows, summary, rag.settings.model_dump(mode="json"), gold)
    return summary


def write_sweep(folder: Path, runs: list[tuple[dict, list[dict]]], settings: dict, gold: list) -> list[tuple[dict, dict]]:
    """A report per setting combination of a sweep, then one table and one plot over them all;
    returns (params, summary) per combination."""
    summaries = [(params, summarize(rows)) for params, rows in runs]
    for (params, rows), (_, summary) in zip(runs, summaries):
        label = "_".join(f"{k}-{v}" for k, v in params.items())
        write_run(folder / label, rows, summary, {**settings, **params}, gold)
    _sweep_table(folder, summaries)
    return summaries


def _sweep_table(folder: Path, runs: list[tuple[dict, dict]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sweep.json").write_text(json.dumps([{"params": p, "summary": s} for p, s in runs], indent=2))
    params = list(runs[0][0]) if runs else []
    head = params + TABLE_KEYS
    lines = [f"# Sweep: {folder.name}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p, s in runs:
        lines.append("| " + " | ".join([str(p[k]) for k in params] + [fmt(s.get(k)) for k in TABLE_KEYS]) + " |")
    _sweep_plot(folder / "sweep.png", runs)
    lines += ["", "![metric by setting](sweep.png)", ""]
    (folder / "report.md").write_text("\n".join(lines))


SUITE_KEYS = ["key_fact_accuracy", "false_decline", "declined_unanswerable", "assertion_precision",
              "assertion_coverage", "unanswerable_no_short", "citation_source_precision", "article_hit", "latency_p50_ms"]


def write_suite(folder: Path, runs: list[tuple[dict, list[dict]]], settings: dict) -> dict[str, dict]:
    """One report per gold set of a suite run under `folder`; returns each set's summary by name."""
    table = {}
    for entry, rows in runs:
        table[entry["name"]] = summarize(rows)
        write_run(folder / entry["name"], rows, table[entry["name"]], settings, entry["items"])
    return table


def suite_table(table: dict[str, dict]) -> str:
    """The suite's summaries as a fixed-width table, one gold set a row."""
    lines = [f"{'set':22}" + "".join(f"{k:>{len(k) + 2}}" for k in SUITE_KEYS)]
    lines += [f"{name:22}" + "".join(f"{fmt(s.get(k)):>{len(k) + 2}}" for k in SUITE_KEYS) for name, s in table.items()]
    return "\n".join(lines)


def compare_runs(a: Path, b: Path) -> dict:
    """Per-metric deltas (b - a) with 95% bootstrap intervals, and the questions that flipped."""
    ra, rb = _load_rows(a), _load_rows(b)
    common = [q for q in ra if q in rb]
    out: dict = {"questions": len(common), "metrics": {}, "flipped": []}
    for key in RETRIEVAL_KEYS + ANSWER_KEYS + ["declined"]:
        pairs = [(ra[q][key], rb[q][key]) for q in common if ra[q].get(key) is not None and rb[q].get(key) is not None]
        if pairs:
            delta, lo, hi = bootstrap_delta([x for x, _ in pairs], [y for _, y in pairs])
            out["metrics"][key] = {"delta": round(delta, 4), "ci_low": round(lo, 4), "ci_high": round(hi, 4), "n": len(pairs)}
    for q in common:
        key = "key_fact_accuracy" if ra[q]["answerable"] else "declined"
        if ra[q].get(key) != rb[q].get(key):
            out["flipped"].append({"id": q, "metric": key, "a": ra[q].get(key), "b": rb[q].get(key),
                                   "question": ra[q]["question"]})
    return out


def _load_rows(folder: Path) -> dict[str, dict]:
    path = folder / "results.jsonl"
    if not path.is_file():
        raise InputError(f"{folder}: not an eval run (no results.jsonl)")
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _settings_line(settings: dict) -> str:
    keys = ["embedding_model", "embedding_backend", "chunk_size", "chunk_overlap", "retriever", "top_k", "llm",
            "answer_threshold", "max_answer_sentences", "index_dir", "chroma_url"]
    return "Settings: " + ", ".join(f"`{k}={settings.get(k)}`" for k in keys if k in settings)


@contextmanager
def _figure(path: Path, size: tuple[float, float]):
    """A matplotlib axis whose figure is saved to `path` and closed when the block ends."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size)
    try:
        yield ax
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)


def _bar_plot(path: Path, summary: dict) -> None:
    keys = [k for k in TABLE_KEYS + ["assertion_precision", "assertion_coverage"]
            if not k.startswith("latency") and k not in LOWER_IS_BETTER and summary.get(k) is not None]
    with _figure(path, (9, 4)) as ax:
        ax.barh(keys, [summary[k] for k in keys], color="#4c72b0")
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_title("Metrics")


def _latency_plot(path: Path, latencies: list[float]) -> None:
    with _figure(path, (6, 3.5)) as ax:
        ax.hist(latencies, bins=20, color="#55a868")
        ax.set_xlabel("answer latency (ms)")
        ax.set_ylabel("questions")


def _tradeoff_plot(path: Path, table: list[dict]) -> None:
    x = [t["threshold"] for t in table]
    with _figure(path, (6.5, 4)) as ax:
        for key in ("accuracy", "answerable_declined", "unanswerable_answered"):
            ax.plot(x, [t[key] if t[key] == t[key] else 0 for t in table], marker="o", label=key.replace("_", " "))
        ax.set_xlabel("decline threshold")
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=8)


def _risk_plot(path: Path, curve: list[dict]) -> None:
    with _figure(path, (6, 4)) as ax:
        ax.plot([c["coverage"] for c in curve], [c["risk"] for c in curve], marker=".", color="#c44e52")
        ax.set_xlabel("coverage (share of questions answered)")
        ax.set_ylabel("risk (share of answers wrong)")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)


def _sweep_plot(path: Path, runs: list[tuple[dict, dict]]) -> None:
    labels = [", ".join(f"{k}={v}" for k, v in p.items()) for p, _ in runs]
    keys = ["article_hit", "evidence_recall", "key_fact_accuracy", "declined_unanswerable"]
    with _figure(path, (max(6, 1.2 * len(runs)), 4)) as ax:
        for key in keys:
            ax.plot(labels, [s.get(key) or 0 for _, s in runs], marker="o", label=key)
        ax.set_ylim(0, 1.05)
        ax.legend(loc="lower right", fontsize=8)
        ax.tick_params(axis="x", rotation=45, labelsize=8)
