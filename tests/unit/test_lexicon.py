"""One lexicon: the keyword index, the ranker's weights and verification read a text's words alike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.index.keyword import Postings, stem_of
from rag.index.remote import is_loopback
from rag.lexicon.calendar import MONTH_NAMES, When, month_number, year_of
from rag.lexicon.numbers import numbers, quantities
from rag.lexicon.words import SEARCH_STOPWORDS, STOPWORDS, content_terms, content_words, fold, stem, terms, words
from rag.web import access

NEWS = ["About 21,000 students from Tajikistan study in Russia.", "Russia keeps 7,000 troops at its base.",
        "O’Neill said the budget was 3.5% higher.", "The 2017,2018 seasons were dry."]
TEXTS = st.text(st.sampled_from("aAbo7 1,0.'’-ğ\nÉs3"), max_size=40) | st.text(max_size=40)


def test_a_grouped_number_is_one_word_and_one_term():
    assert words("21,000 and 7,000.50 troops") == ["21000", "and", "7000.50", "troops"]
    assert terms("21,000") == ["21000"] and terms("7,000") == ["7000"]  # never "21" and "000"
    assert words("in 2017,2018") == ["in", "2017", "2018"]  # two years, not one number
    assert terms("7 troops") == ["7", "troop"]  # a one-digit number is searchable; a one-letter word is not


def test_a_name_with_an_apostrophe_is_one_term_however_it_is_written():
    assert terms("O'Neill") == terms("O’Neill") == terms("Neill") == ["neill"]
    assert terms("Russia's troops") == ["russia", "troop"]
    assert words("O’Neill") == ["o'neill"]  # as written, for names and negations ("isn't")


@given(TEXTS)
def test_every_content_term_is_an_index_term(text):
    assert content_terms(text) <= set(terms(text))


@given(TEXTS)
def test_the_index_looks_a_content_word_up_as_the_ranker_stems_it(text):
    assert all(stem_of(w) == stem(w) for w in content_words(text))


def test_the_stop_word_lists_nest():
    assert SEARCH_STOPWORDS < STOPWORDS
    assert "may" not in SEARCH_STOPWORDS  # the month and the name stay searchable


def test_a_number_in_the_articles_is_not_weighed_as_unknown():
    index = Postings()
    index.add([f"n{i}" for i in range(len(NEWS))], NEWS)
    unknown = index.idf(stem_of("\x00"))
    for word in ("21,000", "7,000", "O'Neill", "3.5"):
        assert index.idf(stem_of(words(word)[0])) < unknown - 1e-9, word
    assert [index.ids[r] for r in index.postings(stem_of("7000"))[0]] == ["n1"]


def test_numbers_and_quantities():
    assert numbers("21,000 students, 3.5% and the 21st") == {"21000", "3.5", "21st"}
    assert quantities("seven thousand") == quantities("7,000") == {7000.0}
    assert quantities("7,000 million") == {7e9}


def test_fold_joins_a_name_however_it_is_written():
    assert fold("Al-Jazeera") == fold("Al Jazeera") == "aljazeera"
    assert fold("O’Neill") == fold("ONeill") == fold("O'Neill")
    assert fold("U.S.") == fold("US")


@pytest.mark.parametrize("iso, precision, human, bounds", [
    ("2017-02-27", "day", "27 February 2017", (20170227, 20170227)),
    ("2017-02", "month", "February 2017", (20170201, 20170231)),
    ("2017", "year", "2017", (20170101, 20171231)),
    ("--02-29", "month-day", "29 February (year not given)", (0, 0)),
])
def test_a_date_keeps_its_precision(iso, precision, human, bounds):
    when = When.parse(iso)
    assert (when.iso, when.precision, when.human(), when.bounds()) == (iso, precision, human, bounds)


@pytest.mark.parametrize("iso", ["2017-02-30", "--02-30", "2017-13", "2017-00-05", "17-02-27", "", None, "--04"])
def test_a_date_no_calendar_has_is_none(iso):
    assert When.parse(iso) is None


def test_a_year_is_given_only_when_written():
    assert year_of("2017-02-27") == year_of("2017") == "2017"
    assert year_of("--02-27") is None and year_of(None) is None
    assert When.parse("--02-27").on().month == 2  # the day, in a leap year, for weekday-free notes


def test_month_names_and_abbreviations():
    assert [month_number(m) for m in MONTH_NAMES] == list(range(1, 13))
    assert month_number("Sept.") == 9 and month_number("feb") == 2 and month_number("Mayor") is None


def test_one_loopback_test_for_the_chat_and_the_store():
    assert access.is_loopback is is_loopback
    assert is_loopback("LocalHost") and is_loopback("127.0.0.1") and is_loopback("[::1]")
    assert not is_loopback("example.com") and not is_loopback("10.0.0.1")
