"""Dates as readers write them, the same in the terminal, the web page and the corpus table;
JSON keeps ISO with its precision."""

from __future__ import annotations

import pytest

from rag.lexicon.dates import human_date
from rag.records import Answer, ArticleSummary, Citation, answer_record
from rag.service.render import answer_text
from rag.web.corpus import corpus_rows
from rag.web.render import transcript


@pytest.mark.parametrize("iso, shown", [
    ("2017-02-27", "27 February 2017"), ("2017-02", "February 2017"), ("2017", "2017"),
    ("--04-24", "24 April (year not given)"), (None, "undated"),
])
def test_each_precision_reads_as_a_date(iso, shown):
    assert human_date(iso) == shown


def _answer(date: str | None) -> Answer:
    quote = "Lavrov spoke in Dushanbe."
    cite = Citation(marker=1, source="a.txt", title="Talks", date=date, publisher="TASS", chunk_id="c1",
                    quote=quote, start=0, end=len(quote), score=0.9)
    return Answer("Who spoke?", f"{quote} [1]", abstained=False, citations=(cite,))


def test_a_partial_date_is_shown_alike_everywhere_and_stays_iso_in_json():
    answer = _answer("--04-24")
    assert "TASS, 24 April (year not given)" in answer_text(answer)
    assert "24 April (year not given)" in transcript([answer])
    assert "--04-24" not in answer_text(answer) + transcript([answer])
    record = answer_record(answer)["citations"][0]
    assert (record["date"], record["date_precision"]) == ("--04-24", "month-day")
    row = corpus_rows([ArticleSummary("a.txt", "Talks", "TASS", "2017-02", 3)])[0]
    assert row[3] == "February 2017"


def test_a_date_the_sentence_writes_is_not_noted_again():
    from rag.answer.reldates import date_notes

    assert date_notes("The toll rose to 16, the service said on Wednesday, 8 August 2018.", "2018-08-08") == ()
    assert date_notes("The toll rose to 16, the service said on Wednesday.", "2018-08-08") == (
        ("Wednesday", "8 August 2018"),)
