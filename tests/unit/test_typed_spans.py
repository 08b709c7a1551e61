"""Typed short answers from a sentence's named entities (pure: the entities are given), trimmed spans,
the question's constraints, refusals before search, and the eval's outcome metrics."""

from __future__ import annotations

import pytest

from rag.answer.constraints import constraint_share, unmet
from rag.answer.entities import Entity
from rag.answer.facts import counted_noun, trim
from rag.answer.features import Candidate
from rag.answer.question import analyze
from rag.answer.refusal import refusal
from rag.answer.spans import typed_span
from rag.eval.outcomes import assertion_metrics
from rag.records import Chunk, Hit


def ents(sentence: str, *labelled: tuple[str, str]) -> tuple[Entity, ...]:
    out = []
    for text, label in labelled:
        at = sentence.index(text)
        out.append(Entity(text, label, at, at + len(text)))
    return tuple(out)


LAVROV = "Russian Foreign Minister Sergey Lavrov said this on Wednesday following talks with Tajik Foreign Minister Sirodjiddin Mukhriddin."
STUDENTS = ("He pointed out that 21,000 students from Tajikistan were receiving higher education in Russia, while "
            "the education of 10,000 Tajik students was financed by the Russian budget.")


def test_of_two_ministers_the_one_of_the_country_asked():
    found = ents(LAVROV, ("Russian", "NORP"), ("Sergey Lavrov", "PERSON"), ("Wednesday", "DATE"),
                 ("Sirodjiddin Mukhriddin", "PERSON"))
    assert typed_span("person", LAVROV, "Who is Tajikistan's foreign minister?", None, found).text == "Sirodjiddin Mukhriddin"
    assert typed_span("person", LAVROV, "Who is Russia's foreign minister?", None, found).text == "Sergey Lavrov"


def test_of_two_counts_the_one_whose_clause_the_question_describes():
    found = ents(STUDENTS, ("21,000", "CARDINAL"), ("10,000", "CARDINAL"))
    budget = typed_span("quantity", STUDENTS, "How many Tajik students have their education financed by the Russian budget?", None, found)
    study = typed_span("quantity", STUDENTS, "How many students from Tajikistan receive higher education in Russia?", None, found)
    assert (budget.text, study.text) == ("10,000 Tajik students", "21,000 students")


def test_the_type_asked_for_decides_which_entity_answers():
    s = "David Hudak, 41, was arrested in the United States more than a week ago."
    found = ents(s, ("David Hudak", "PERSON"), ("41", "DATE"), ("the United States", "GPE"), ("more than a week ago", "DATE"))
    assert typed_span("person", s, "Who was arrested?", None, found).text == "David Hudak"
    assert typed_span("place", s, "Where was Hudak arrested?", None, found).text == "the United States"
    assert typed_span("quantity", s, "How old is Hudak?", None, found).text == "41"
    org = "The Federal Government did not regret it, Small Business Minister Joe Hockey said today."
    found = ents(org, ("The Federal Government", "ORG"), ("Joe Hockey", "PERSON"), ("today", "DATE"))
    assert typed_span("person", org, "Which minister had no regrets?", None, found).text == "Joe Hockey"


def test_which_city_wants_a_city_and_which_year_a_year():
    s = "Putin spoke in Dushanbe on Monday about security in Central Asia after 2014."
    found = ents(s, ("Dushanbe", "GPE"), ("Monday", "DATE"), ("Central Asia", "LOC"), ("2014", "DATE"))
    assert typed_span("place", s, "Which city did Putin speak in?", None, found).text == "Dushanbe"
    assert typed_span("date", s, "In what year will the contingent leave?", None, found).text == "2014"
    assert typed_span("date", s, "When did Putin speak?", "2017-02-27", found).text == "Monday (27 February 2017)"


def test_a_day_without_its_year_takes_the_articles_year():
    s = "Putin arrived on February 27 for talks."
    found = ents(s, ("February 27", "DATE"))
    assert typed_span("date", s, "When did Putin arrive?", "2017-03-01", found).text == "February 27, 2017"


def test_no_span_of_the_asked_type_is_no_short_answer():
    s = "Officials met in Dushanbe."
    assert typed_span("person", s, "Who met?", None, ents(s, ("Dushanbe", "GPE"))) is None
    assert typed_span(None, s, "Why did they meet?", None, ents(s, ("Dushanbe", "GPE"))) is None


@pytest.mark.parametrize("span,expected", [("5 from", "5"), ("36 in", "36"), ("Dozens of", "Dozens"),
                                           ("about 7,000 troops,", "about 7,000 troops"), ("one", "one")])
def test_a_span_never_ends_on_a_function_word_or_a_comma(span, expected):
    assert trim(span) == expected


def test_the_counted_noun_of_a_how_many_question():
    assert counted_noun("How many Russian troops are in Kyrgyzstan?") == "troop"
    assert counted_noun("How many students from Tajikistan study in Russia?") == "student"
    assert counted_noun("How many children died?") == "children"
    assert counted_noun("When did it start?") is None


def _candidate(text: str, title: str = "Talks in Dushanbe", before: str = "") -> Candidate:
    chunk_text = f"{before} {text}".strip()
    hit = Hit(Chunk("c", "a.txt", 1, chunk_text, 0, len(chunk_text)), 0.8, title, "2017-02-27", "TASS")
    start = chunk_text.index(text)
    return Candidate(hit, start, start + len(text), text, False)


def test_a_name_of_the_question_must_hold_near_the_answer():
    troops = _candidate("About 7,000 Russian troops are stationed in Tajikistan.")
    assert constraint_share(analyze("How many Russian troops are in Tajikistan?"), troops) == 1.0
    kyrgyz = analyze("How many Russian troops are in Kyrgyzstan?")
    assert constraint_share(kyrgyz, troops) == 0.5 and unmet(kyrgyz, troops) == ["Kyrgyzstan"]
    # the sentence before it, or the headline, may name it; a year holds as the article's year
    said = _candidate("He said 7,000 Russian troops would stay.", before="Lavrov visited Kyrgyzstan on Monday.")
    assert constraint_share(kyrgyz, said) == 1.0
    assert constraint_share(analyze("How many troops were there in 2017?"), troops) == 1.0
    assert unmet(analyze("How many troops guard the Iraq-Turkey border?"), troops) == ["Iraq", "Turkey"]


def test_refusals_before_search_say_why():
    known = {"troops", "tajikistan"}.__contains__
    assert refusal("", known) == "the question is empty"
    assert refusal("?!", known) == "the question has no words"
    assert refusal("Tajikistan", known).startswith("a single word")
    assert refusal("x" * 4001, known) == "the question is 4,001 characters long; the limit is 4,000"
    assert refusal("¿Dónde están las tropas?", known) == "none of the question's words appear in the indexed articles"
    assert refusal("How many troops are there?", known) is None


def test_assertion_metrics_count_what_a_reader_sees():
    rows = [
        {"answerable": True, "short_answer": "7,000 troops", "short_right": True, "status": "answered", "expected": "answered"},
        {"answerable": True, "short_answer": "9,000", "short_right": False, "status": "answered", "expected": "answered"},
        {"answerable": True, "short_answer": None, "short_right": False, "status": "passages", "expected": "answered"},
        {"answerable": False, "short_answer": "Paris", "short_right": False, "status": "answered", "expected": "declined"},
        {"answerable": False, "short_answer": None, "short_right": False, "status": "declined", "expected": "declined"},
    ]
    m = assertion_metrics(rows)
    assert (m["assertion_precision"], m["assertion_coverage"], m["unanswerable_no_short"]) == (0.3333, 0.3333, 0.5)
    assert (m["answerable_answered"], m["answerable_passages"], m["unanswerable_declined"]) == (0.6667, 0.3333, 0.5)
    assert m["outcome_as_expected"] == 0.6


def test_number_words_answer_and_a_span_of_decades_is_no_date():
    s = "We can talk about tens of thousands of jihadists in the three decades since."
    found = ents(s, ("tens of thousands", "CARDINAL"), ("the three decades", "DATE"))
    assert typed_span("quantity", s, "How many jihadists could attack?", None, found).text == "tens of thousands of jihadists"
    assert typed_span("date", s, "When will they attack?", None, found) is None  # "decades" is no December


def test_a_short_part_counts_its_own_noun_not_its_contexts():
    assert counted_noun("By how much did its annual profit rise (How many jobs does the bank plan to cut)?") is None


def test_a_title_of_another_country_rules_the_person_out():
    s = "“We’ll do everything to prevent any encroachments against our allies,” Russian Foreign Minister Sergei Lavrov said."
    found = ents(s, ("Russian", "NORP"), ("Sergei Lavrov", "PERSON"))
    assert typed_span("person", s, "Who is Tajikistan's foreign minister?", None, found) is None
    assert typed_span("person", s, "Who is Russia's foreign minister?", None, found).text == "Sergei Lavrov"


def test_where_wants_the_place_something_is_in_not_one_it_has_ties_to():
    s = "A group with ties to Tehran has helped al-Qaida establish a training camp in northern Iraq, officials say."
    found = ents(s, ("Tehran", "GPE"), ("al-Qaida", "ORG"), ("Iraq", "GPE"))
    assert typed_span("place", s, "Where is the group based?", None, found).text == "northern Iraq"


def test_a_date_answer_a_reader_cannot_place_is_never_asserted():
    """A dev-corpus story says a motion is moved "today" and has no date: "today" was asserted in bold."""
    from rag.answer.facts import dated, placed

    assert not placed("date", dated("today", None)) and not placed("date", dated("on Wednesday", None))
    assert placed("date", dated("today", "2002-08-27")) and placed("date", "27 August 2002")
    assert placed("person", "Kerry Nettle")  # only dates need a calendar
