"""The Eval tab shows what rag.eval returned, readably (issue 24 #2): the four figures a reader feels
first, declines where lower is better apart from the bars where higher is, every wrong answer
escaped (answers quote articles, which may hold markup)."""

from __future__ import annotations

import re
from pathlib import Path

from rag.web.evaltab import bars_html, headline_html, report_html, wrong_html

SUMMARY = {"questions": 73, "answerable": 58, "unanswerable": 15, "key_fact_accuracy": 0.8448,
           "assertion_precision": 1.0, "false_decline": 0.0517, "declined_unanswerable": 0.4667,
           "article_hit": 1.0, "assertion_coverage": None, "latency_p50_ms": 24.1}


def test_the_headline_is_the_four_figures_a_reader_feels_in_order():
    html = headline_html(SUMMARY)
    names = re.findall(r'<div class="name">([^<]+)</div>', html)
    assert names == ["Key facts right", "Short answers right", "Answerable declined", "Unanswerable declined"]
    assert re.findall(r'<div class="value">([^<]+)</div>', html) == ["84%", "100%", "5%", "47%"]
    assert "lower is better" in html.split('data-key="false_decline"')[1].split('data-key=')[0]
    assert "73 questions: 58 answerable, 15 unanswerable" in html


def test_a_missing_figure_is_a_dash():
    assert '<div class="value">—</div>' in headline_html({"key_fact_accuracy": None})


def test_false_declines_are_not_drawn_among_the_higher_is_better_bars():
    html = bars_html(SUMMARY)
    higher, lower = html.split("(lower is better)")
    assert 'data-key="false_decline"' not in higher and 'data-key="false_decline"' in lower
    assert 'data-key="key_fact_accuracy"' in higher and 'data-key="assertion_coverage"' not in html  # None: no bar
    assert "latency" not in html


def test_wrong_answers_are_listed_escaped():
    wrong = [{"id": "g1", "question": "How many <b>?", "expected": "7,000", "said": "<img src=x onerror=1> 9",
              "status": "passages", "cited": ["a.txt"], "confidence": 0.5}]
    html = wrong_html(wrong)
    assert html.startswith("<h3>Wrong answers (1)</h3>")
    assert "<img" not in html and "&lt;img src=x onerror=1&gt;" in html and "said (passages)" in html
    assert "cited: a.txt; confidence 0.50" in html
    assert wrong_html([]).startswith("<h3>Wrong answers (0)</h3>")


def test_the_report_path_is_shown():
    assert "<code>/tmp/x/report.md</code>" in report_html(Path("/tmp/x/report.md"))
