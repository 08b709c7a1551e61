"""Assertions a reader can trust (issue 22): a bold short answer only where the sentence answers the
question asked, of the type asked, for the place and person asked; otherwise the closest passages,
said to be so; a decline lists what came nearest. The real model, a real Chroma, the sample articles."""

import json

import pytest
from typer.testing import CliRunner

from rag.cli.main import app
from rag.service.render import CLOSEST_LABEL, PASSAGES_LABEL, answer_markdown, answer_text

runner = CliRunner()


@pytest.mark.parametrize("question,elsewhere", [
    ("How many Russian troops are in Kyrgyzstan?", "Kyrgyzstan"),
    ("How many Russian troops are in Kazakhstan?", "Kazakhstan"),
    ("How many Chinese troops are in Tajikistan?", "Chinese"),
])
def test_a_fact_about_another_country_is_no_short_answer(sample_rag, question, elsewhere):
    """The articles give about 7,000 Russian troops *in Tajikistan*: that answers none of these."""
    answer = sample_rag.ask(question)
    assert answer.short_answer is None and answer.status in ("passages", "declined")
    if answer.status == "passages":
        assert f"does not say this of {elsewhere}" in answer.notice
        assert answer_text(answer).startswith(f"note: {answer.notice}\n{PASSAGES_LABEL}")


def test_the_foreign_minister_of_the_country_asked_never_another_countrys(sample_rag):
    answer = sample_rag.ask("Who is Tajikistan's foreign minister?")
    assert "Lavrov" not in (answer.short_answer or "")


def test_a_decline_lists_the_closest_passages_to_check_it_against(sample_rag):
    answer = sample_rag.ask("Who won the 2018 FIFA World Cup?")
    assert answer.status == "declined" and answer.short_answer is None and not answer.citations
    assert 1 <= len(answer.closest) <= 3 and [c.marker for c in answer.closest] == list(range(1, len(answer.closest) + 1))
    for c in answer.closest:  # each is a verbatim sentence of its article, at its offsets
        assert sample_rag.article(c.source).text[c.start:c.end] == c.quote
    assert CLOSEST_LABEL in answer_text(answer) and CLOSEST_LABEL in answer_markdown(answer)


def test_the_json_record_carries_the_outcome_the_short_answer_and_the_sentences(sample_rag, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_DIR", str(sample_rag.settings.index_dir))
    answered = json.loads(runner.invoke(app, ["ask", "--json", "How many Russian troops are in Tajikistan?"]).stdout)
    assert answered["status"] == "answered" and "7,000" in answered["short_answer"] and answered["abstained"] is False
    assert answered["id"] is None  # no id was given (issue 24 #10: it was "")
    assert answered["sentences"][0]["markers"] == [1, 2] and answered["sentences"][0]["supported"] is True
    passages = json.loads(runner.invoke(app, ["ask", "--json", "How many Russian troops are in Kyrgyzstan?"]).stdout)
    assert passages["short_answer"] is None and passages["status"] in ("passages", "declined")
    declined = json.loads(runner.invoke(app, ["ask", "--json", "Who won the 2018 FIFA World Cup?"]).stdout)
    assert (declined["status"], declined["abstained"], declined["short_answer"]) == ("declined", True, None)
    assert declined["reason"] and {"source", "title", "date", "quote"} == set(declined["closest"][0])
    empty = runner.invoke(app, ["ask", "--json", ""])
    assert json.loads(empty.stdout)["reason"] == "the question is empty" and "Traceback" not in empty.output
