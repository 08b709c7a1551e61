"""Questions against the ingested sample corpus: cited answers, declines, filters, bad input."""

import pytest

from rag.answer.question import analyze

STUDENTS_Q = "How many students from Tajikistan study in Russia?"


@pytest.mark.parametrize("question,kind", [
    ("How many troops are there?", "quantity"), ("When did Putin visit?", "date"),
    ("Who is the foreign minister?", "person"), ("Where is the base?", "place"), ("Why did Russia act?", "reason"), ("How much money did the appeal raise?", "money"), ("Which company cut jobs?", "org"), ("What is the name of the judge?", "person"), ("What happened next?", None),
])
def test_question_type_detection(question, kind):
    assert analyze(question).kind == kind
