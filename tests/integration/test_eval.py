"""The eval harness end to end: the gold set is valid, a run and a small sweep write reports with plots."""

import json
import shutil

from helpers import CORPUS, ROOT
from typer.testing import CliRunner

from rag.cli.main import app
from rag.eval.gold import load_gold
from rag.eval.report import compare_runs
from rag.eval.run import evaluate, summarize

GOLD = ROOT / "eval" / "gold.jsonl"


def test_eval_scores_the_sample_and_catches_a_broken_answerer(sample_rag):
    items = [i for i in load_gold(GOLD) if i.id in ("g021", "g032", "g066")]
    summary = summarize(evaluate(sample_rag, items))
    assert summary["article_hit"] == 1.0 and summary["key_fact_accuracy"] == 1.0
    assert summary["citation_source_precision"] == 1.0 and summary["declined_unanswerable"] == 1.0
    # The same questions scored against the wrong gold article must score lower.
    from dataclasses import replace
    wrong = [replace(i, gold_sources=("000_7fcf803510b2e5fd.txt",)) if i.answerable else i for i in items]
    assert summarize(evaluate(sample_rag, wrong))["citation_source_precision"] < 0.5


def test_sweep_and_compare_write_reports_with_plots(tmp_path, monkeypatch):
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    for name in ("002_3e4b70f7a6e2aa7f.txt", "003_daad56808568b6dc.txt"):
        shutil.copy(CORPUS / name, corpus / name)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(line for line in GOLD.read_text().splitlines()
                              if json.loads(line)["id"] in ("g021", "g032", "g035", "g066")))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "unused"))
    result = CliRunner().invoke(app, ["eval", "--gold", str(gold), "--corpus", str(corpus), "--reports",
                                      str(tmp_path / "reports"), "--name", "s", "--sweep", "top_k=1,5",
                                      "--sweep", "chunk_size=128,256", "--json"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.stdout)
    assert len(runs) == 4 and {tuple(sorted(r["params"].items())) for r in runs} == {
        (("chunk_size", c), ("top_k", k)) for c in (128, 256) for k in (1, 5)}
    folder = tmp_path / "reports" / "s"
    assert (folder / "sweep.png").stat().st_size > 5000 and "| top_k | chunk_size |" in (folder / "report.md").read_text()
    run_a, run_b = folder / "top_k-1_chunk_size-128", folder / "top_k-5_chunk_size-128"
    for png in ("metrics.png", "latency.png"):
        assert (run_a / png).stat().st_size > 5000
    diff = compare_runs(run_a, run_b)
    assert diff["questions"] == 4 and "article_recall" in diff["metrics"]
    out = CliRunner().invoke(app, ["eval", "compare", str(run_a), str(run_b)])
    assert out.exit_code == 0 and "article_recall" in out.stdout


def test_generated_drafts_are_answerable_by_their_own_evidence(sample_rag, tmp_path, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_DIR", str(sample_rag.settings.index_dir))
    out = tmp_path / "syn.jsonl"
    result = CliRunner().invoke(app, ["eval", "generate", "-o", str(out)])
    assert result.exit_code == 0, result.output
    items = load_gold(out)
    assert len(items) >= 5 and all(i.synthetic for i in items)
    texts = {a.source: a.text for a in sample_rag.index.store.list_articles(with_text=True)}
    for item in items:
        assert item.evidence[0] in texts[item.gold_sources[0]]
        assert item.key_facts[0] in item.evidence[0] and item.key_facts[0] not in item.question
    assert any(i.question.startswith("How many students") and i.reference == "21,000" for i in items)


def test_suite_runs_each_gold_set_on_its_own_corpus_and_lists_wrong_answers(tmp_path):
    repo = tmp_path / "repo"
    (repo / "eval").mkdir(parents=True)
    shutil.copytree(CORPUS, repo / "corpus")
    gold = repo / "eval" / "g.jsonl"
    gold.write_text(
        '{"id": "s1", "question": "How many students from Tajikistan study in Russia?", "gold_sources": '
        '["002_3e4b70f7a6e2aa7f.txt"], "key_facts": ["21,000"], "reference": "21,000 students."}\n'
        '{"id": "s2", "question": "Who won the 2018 FIFA World Cup?", "answerable": false}\n'
        '{"id": "s3", "question": "How many students from Tajikistan study in Russia?", "gold_sources": '
        '["002_3e4b70f7a6e2aa7f.txt"], "key_facts": ["99,999"], "reference": "A wrong gold answer."}\n')
    suite = repo / "eval" / "suite.json"
    suite.write_text('[{"name": "tiny", "gold": "eval/g.jsonl", "corpora": ["corpus"]}]')
    result = CliRunner().invoke(app, ["eval", "suite", "--suite", str(suite), "--reports", str(tmp_path / "r"),
                                      "--name", "run"])
    assert result.exit_code == 0, result.output
    assert "tiny" in result.stdout and "key_fact_accuracy" in result.stdout
    report = (tmp_path / "r" / "run" / "tiny" / "report.md").read_text()
    assert "## Decline threshold trade-off" in report and "| 0.50 |" in report
    assert "## Wrong answers (1)" in report and "**s3**" in report and "A wrong gold answer." in report
    assert "  - said (passages): " in report or "  - said (answered): " in report  # the outcome a reader saw
    assert "## What a reader sees" in report and "| unanswerable |" in report and "risk_coverage.png" in report
    assert (tmp_path / "r" / "run" / "tiny" / "risk_coverage.png").stat().st_size > 1000
    rows = [json.loads(x) for x in (tmp_path / "r" / "run" / "tiny" / "results.jsonl").read_text().splitlines()]
    assert all(0 <= r["confidence"] <= 1 for r in rows) and rows[0]["correct_if_answered"] == 1.0
    assert [r["status"] for r in rows][1] == "declined" and rows[1]["short_answer"] is None
    summary = json.loads((tmp_path / "r" / "run" / "tiny" / "summary.json").read_text())["summary"]
    assert summary["unanswerable_declined"] == 1.0 and summary["unanswerable_no_short"] == 1.0
    assert "assertion_precision" in result.stdout


def test_a_suite_file_without_corpora_is_refused(tmp_path):
    bad = tmp_path / "eval" / "suite.json"
    bad.parent.mkdir()
    bad.write_text('[{"name": "x", "gold": "eval/g.jsonl"}]')
    result = CliRunner().invoke(app, ["eval", "suite", "--suite", str(bad)])
    assert result.exit_code != 0 and "needs name, gold and corpora" in result.output
