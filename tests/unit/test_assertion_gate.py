"""The bold short answer is asserted only when the assertion model is sure, every name of the question
holds near it, and every part of the question has one (pure: rankings built by hand)."""

from __future__ import annotations

import numpy as np

from rag.answer.answerer import ExtractiveAnswerer
from rag.answer.features import NAMES, Candidate
from rag.answer.question import analyze
from rag.answer.rank import PartRanking, Reading, Scored, load_model
from rag.records import Chunk, Hit

TEXT = "The parliament elected Marta Quell as speaker by 61 votes to 40."


def part(question: str, short: str | None, assertion: float, near: float = 1.0) -> PartRanking:
    hit = Hit(Chunk("c1", "a.txt", 0, TEXT, 0, len(TEXT)), 0.9, "Vote", "2020-01-02", "Wire")
    scored = Scored(Candidate(hit, 0, len(TEXT), TEXT, True), 0.9, np.ones(4) / 2, np.zeros(len(NAMES)))
    return PartRanking(analyze(question), (scored,), 0.9, Reading(short, 0.9, near), assertion)


def answer(*parts: PartRanking):
    return ExtractiveAnswerer(threshold=0.3, assert_threshold=0.9).answer("q", [], list(parts))


def test_a_sure_short_answer_is_asserted_and_an_unsure_one_is_shown_as_passages():
    sure = answer(part("Who was elected speaker?", "Marta Quell", 0.95))
    assert (sure.status, sure.short_answer) == ("answered", "Marta Quell") and sure.text.startswith("**Marta Quell** — ")
    unsure = answer(part("Who was elected speaker?", "Marta Quell", 0.6))
    assert (unsure.status, unsure.short_answer) == ("passages", None) and "**" not in unsure.text
    assert unsure.sentences[0].text == TEXT and unsure.citations[0].quote == TEXT


def test_a_multi_part_question_is_asserted_whole_or_not_at_all():
    both = answer(part("Who was elected speaker?", "Marta Quell", 0.95), part("By how many votes?", "61 votes", 0.92))
    assert both.short_answer == "Marta Quell; 61 votes"
    half = answer(part("Who was elected speaker?", "Marta Quell", 0.95), part("By how many votes?", "61 votes", 0.4))
    assert half.short_answer is None and half.status == "passages"


def test_the_assertion_model_gives_nothing_where_a_name_of_the_question_does_not_hold():
    model, row = load_model(), np.zeros(len(NAMES))
    assert model.asserts(0.99, Reading("About 7,000 troops", 1.0, 0.5), row, "quantity") == 0.0
    assert model.asserts(0.99, Reading(None, 1.0, 1.0), row, "quantity") == 0.0
    assert 0.0 < model.asserts(0.99, Reading("About 7,000 troops", 1.0, 1.0), row, "quantity") <= 1.0


def test_a_decline_lists_at_most_three_closest_passages_each_once_best_first():
    from dataclasses import replace

    from rag.answer.answerer import closest_passages

    def scored(start: int, score: float) -> Scored:
        hit = Hit(Chunk("c1", "a.txt", 0, TEXT, 0, len(TEXT)), 0.9, "Vote", None, None)
        return Scored(Candidate(hit, start, start + 10, f"Sentence {start}.", False), score, np.ones(2), np.zeros(len(NAMES)))

    one = replace(part("Who was elected?", None, 0.0), ranked=(scored(0, 0.4), scored(20, 0.9), scored(40, 0.1)))
    two = replace(part("By how many votes?", None, 0.0), ranked=(scored(20, 0.8), scored(60, 0.5)))
    closest = closest_passages([one, two])
    assert [(c.marker, c.start) for c in closest] == [(1, 20), (2, 60), (3, 0)]
