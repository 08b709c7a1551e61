"""Metric functions against hand-computed cases, ties and empty retrievals included."""

import math

import pytest

from rag.eval.metrics import (
    bootstrap_delta,
    covered,
    has_fact,
    hit_at_k,
    key_fact_accuracy,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    token_f1,
)


def test_ranking_metrics_by_hand():
    ranked, rel = ["x", "a", "y", "b"], {"a", "b"}
    assert hit_at_k(ranked, rel, 1) == 0.0 and hit_at_k(ranked, rel, 2) == 1.0
    assert recall_at_k(ranked, rel, 2) == 0.5 and recall_at_k(ranked, rel, 4) == 1.0
    assert reciprocal_rank(ranked, rel) == 0.5
    # DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(ranked, rel, 4) == pytest.approx(expected)


def test_empty_retrieval_and_empty_relevance_score_zero():
    for fn in (lambda r, g: hit_at_k(r, g, 3), lambda r, g: recall_at_k(r, g, 3), reciprocal_rank,
               lambda r, g: ndcg_at_k(r, g, 3)):
        assert fn([], {"a"}) == 0.0 and fn(["a"], set()) == 0.0


def test_ties_and_repeats_count_once():
    # The same article retrieved twice (two chunks) is one relevant item, not two.
    assert ndcg_at_k(["a", "a", "b"], {"a", "b"}, 3) == pytest.approx(
        (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(["a"], {"a"}, 5) == 1.0


def test_evidence_coverage_over_several_chunks():
    assert covered((10, 30), [(0, 20), (18, 40)])
    assert not covered((10, 30), [(0, 20), (22, 40)])
    assert not covered((10, 30), [])


def test_facts_and_f1():
    assert has_fact("About 7,000 troops [1]", "7000") and has_fact("in Kulob.", "Qurghon-Teppa|Kulob")
    assert key_fact_accuracy("21,000 students and 10,000 more", ["21,000", "10,000"]) == 1.0
    assert key_fact_accuracy("21,000 students", ["21,000", "10,000"]) == 0.0
    assert token_f1("About 7,000 troops", "about 7000 troops") == 1.0
    assert token_f1("the cat", "a dog") == 0.0
    assert token_f1("Putin met Rahmon", "Putin met Nazarbaev") == pytest.approx(2 / 3)


def test_percentile_and_bootstrap():
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 95) == 5
    assert math.isnan(percentile([], 50))
    delta, lo, hi = bootstrap_delta([0, 0, 0, 0], [1, 1, 1, 1])
    assert (delta, lo, hi) == (1, 1, 1)
    delta, lo, hi = bootstrap_delta([0, 1, 0, 1, 0, 1], [1, 1, 0, 1, 1, 1])
    assert lo <= delta <= hi and delta == pytest.approx(2 / 6)


def test_a_wrong_fact_fails_an_answer_that_holds_every_key_fact():
    from rag.eval.metrics import key_fact_accuracy

    assert key_fact_accuracy("It employed 300 people in 2020.", ["300"], ["450"]) == 1.0
    assert key_fact_accuracy("It employed 300 people in 2020 and 450 in 2021.", ["300"], ["450"]) == 0.0


def test_a_story_is_cited_once_when_one_copy_is_cited_and_names_the_others():
    from rag.eval.metrics import story_cited_once

    story = ["a.txt", "b.txt"]
    assert story_cited_once(story, [("a.txt", True), ("a.txt", True), ("c.txt", False)]) == 1.0
    assert story_cited_once(story, [("a.txt", True), ("b.txt", True)]) == 0.0  # the reprint cited as a second source
    assert story_cited_once(story, [("a.txt", False)]) == 0.0  # the other outlets not named
    assert story_cited_once(story, [("c.txt", False)]) == 0.0 and story_cited_once([], [("a.txt", True)]) is None
