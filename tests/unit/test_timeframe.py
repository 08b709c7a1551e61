"""Time in the question (issue 26 #2): what time a question speaks for, and which facts are of it."""

import pytest

from rag.answer.timeframe import newest_first, span_in_time, timeframe, within


@pytest.mark.parametrize("question, start, end, latest", [
    ("How many workers did the plant employ in 2020?", "2020", "2020", False),
    ("What was the mine's output as of March 2021?", None, "2021-03", True),
    ("Who led the party before 2019?", None, "2018", False),
    ("Who led the party before January 2019?", None, "2018-12", False),
    ("What changed after 2017?", "2018", None, False),
    ("What changed after the 2017 visit?", "2017", None, False),  # the visit was some day of 2017
    ("What happened before the 2019 strike?", None, "2019", False),
    ("How much has it produced since 2018?", "2018", None, False),
    ("How many flights were there between 2018 and 2020?", "2018", "2020", False),
    ("How many people does the plant employ now?", None, None, True),
    ("Who is the current mayor?", None, None, True),
    ("What is the latest toll?", None, None, True),
])
def test_the_time_a_question_gives(question, start, end, latest):
    frame = timeframe(question)
    assert (frame.date_from, frame.date_to, frame.latest) == (start, end, latest)
    assert frame.said.lower() in question.lower()


@pytest.mark.parametrize("question", ["How many Russian troops are in Tajikistan?", "What did the 2019 report say?",
                                      "Where is the 201st base?", "How many died in the 2004-2005 floods?"])
def test_a_question_with_no_time_gets_none(question):
    assert timeframe(question) is None


def test_an_article_date_of_any_precision_is_inside_or_outside():
    frame = timeframe("What did it employ in March 2021?")
    assert within(frame, "2021-03-15") and within(frame, "2021") and within(frame, "2021-03")
    assert not within(frame, "2021-04-01") and not within(frame, None) and not within(frame, "--03-15")


def test_the_users_filters_are_narrowed_not_widened():
    from rag.records import Filters

    frame = timeframe("How many in 2020?")
    narrowed = frame.filters(Filters(publishers=("AP",), date_from="2019", date_to="2020-06"))
    assert (narrowed.publishers, narrowed.date_from, narrowed.date_to) == (("AP",), "2020", "2020-06")


def test_of_the_near_best_the_newest_comes_first_and_weak_ones_stay_behind():
    items = [("a", 0.99, "2020-03-03"), ("b", 0.97, "2022-11-09"), ("c", 0.98, "2021-06-14"), ("d", 0.5, "2023")]
    order = newest_first(items, lambda i: i[2], lambda i: i[1])
    assert [i[0] for i in order] == ["b", "c", "a", "d"]


def test_a_short_answer_must_be_of_the_asked_for_year():
    frame = timeframe("Which country chaired the CIS in 2018?")
    sentence = "Russia's chairmanship in the CIS in 2017 and Tajikistan's in 2018 were welcomed."
    assert span_in_time(frame, "Tajikistan", sentence) and not span_in_time(frame, "Russia", sentence)
    assert span_in_time(frame, "Tajikistan", "In 2018, Tajikistan chaired it.")
    assert span_in_time(None, "Russia", sentence) and span_in_time(frame, "Russia", "Russia chairs it.")
