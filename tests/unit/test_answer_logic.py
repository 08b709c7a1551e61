"""The offline answerer: question analysis, short answers, relative dates, multi-part questions,
the lead sentence of an untitled story, and the one decline decision."""

import pytest

from rag.answer.answerer import declines
from rag.answer.facts import short_answer
from rag.answer.question import analyze, mentions, parts
from rag.answer.rank import PartRanking
from rag.answer.reldates import annotate, resolve, strip_notes

UNTITLED = ("The Zorbian parliament last night elected Marta Quell as its first woman speaker, by 61 votes to 40. "
            "She replaces Ivo Brand, who retired in March after eleven years in the chair.\n\n"
            "Quell, a former teacher, said she would reform the chamber's rules.\n")


@pytest.mark.parametrize("question,kind,entities", [
    ("How many students from Kyrgyzstan study in Russia?", "quantity", ("Kyrgyzstan", "Russia")),
    ("How much money did the appeal raise?", "money", ()),
    ("When was the 201st Motor Rifle Division founded?", "date", ("201st", "Motor", "Rifle", "Division")),
    ("What did Putin say in Bishkek on February 28?", "statement", ("Putin", "Bishkek", "February", "28")),
    ("Which building did the Al-Jazeera crew film?", "place", ("Al-Jazeera",)),
    ("What is the name of O'Neill's lawyer?", "person", ("O'Neill",)),
    ("Which city was Putin due to visit after Tajikistan?", "place", ("Putin", "Tajikistan")),
    ("Why did the talks collapse?", "reason", ()),
])
def test_question_analysis(question, kind, entities):
    info = analyze(question)
    assert (info.kind, info.entities) == (kind, entities)


@pytest.mark.parametrize("question,expected", [
    ("Where and when did Putin meet Rahmon?", ["Where did Putin meet Rahmon?", "When did Putin meet Rahmon?"]),
    ("Who won the final and by how much?", ["Who won the final?", "By how much (Who won the final)?"]),
    ("How many people died in the fire, and where did it start?", ["How many people died in the fire?", "Where did it start?"]),
    ("Who leads the party?", ["Who leads the party?"]),
    ("On what date and in which country did Putin end his trip?",
     ["On what date did Putin end his trip?", "In which country did Putin end his trip?"]),
    ("How many people died, and in how many countries?", ["How many people died?", "In how many countries (How many people died)?"]),
    ("What did Smith and Jones say?", ["What did Smith and Jones say?"]),
])
def test_multi_part_questions_are_split_into_parts(question, expected):
    assert parts(question) == expected


def test_names_with_hyphens_apostrophes_and_ordinals_match_themselves():
    assert mentions("Al-Jazeera", "the Al-Jazeera network") and mentions("Al-Jazeera", "Al Jazeera said")
    assert mentions("O'Neill", "Mr O'Neill said") and mentions("O’Neill", "Mr O'Neill said")
    assert mentions("201st", "the 201st base") and mentions("201st", "base No. 201")
    assert mentions("Russian", "Russia's base") and not mentions("Chinese", "vying with China")
    assert mentions("21,000", "some 21000 students") and not mentions("2020", "in 2021")


@pytest.mark.parametrize("kind,sentence,question,expected", [
    ("quantity", "About 7,000 troops are stationed at three facilities.", "How many troops are there?", "About 7,000 troops"),
    ("money", "The appeal brought in $2.3 million in its first week.", "How much money did the appeal raise?", "$2.3 million"),
    ("date", "Lavrov said this on Wednesday after the talks.", "When did Lavrov speak?", "on Wednesday"),
    ("person", "Lavrov met Foreign Minister Sirodjiddin Mukhriddin in Dushanbe.", "Who did Lavrov meet?",
     "Foreign Minister Sirodjiddin Mukhriddin"),
    ("place", "The summit will be held in Johannesburg next month.", "Where will the summit be held?", "Johannesburg"),
    ("quantity", "The troops of base No. 201 arrived in 2014.", "How many troops are there?", None),
    ("person", "Officials met in Dushanbe.", "Who met?", None),
])
def test_short_answers_are_the_words_that_answer(kind, sentence, question, expected):
    assert short_answer(kind, sentence, question) == expected


@pytest.mark.parametrize("expr,date,expected", [
    ("on Wednesday", "2021-05-19", "19 May 2021"),  # the article's own day
    ("on Monday", "2021-05-19", "17 May 2021"),
    ("yesterday", "2021-03-01", "28 February 2021"),
    ("last night", "2001-12-04", "3 December 2001"),
    ("last month", "2021-01-15", "December 2020"),
    ("last year", "2017-02-27", "2016"),
    ("yesterday", "--04-24", "23 April"),  # the year is unknown, the day is not
    ("on Wednesday", None, None),
    ("on Wednesday", "2021", None),
])
def test_relative_dates_are_resolved_against_the_article_date(expr, date, expected):
    assert resolve(expr, date) == expected


def test_annotated_sentences_keep_their_words_and_say_what_is_undated():
    text, undated = annotate("Lavrov said this on Wednesday following talks.", "2021-05-19")
    assert text == "Lavrov said this on Wednesday [19 May 2021] following talks." and undated == []
    assert strip_notes(text) == "Lavrov said this on Wednesday following talks."
    assert annotate("He spoke last night.", None) == ("He spoke last night.", ["last night"])
    assert annotate("He waited a year.", "2021-05-19") == ("He waited a year.", [])  # a duration, not a date


def test_the_one_decline_decision_compares_confidence_with_the_threshold():
    sure = PartRanking(analyze("Who?"), (), confidence=0.7)
    unsure = PartRanking(analyze("When?"), (), confidence=0.2)
    assert not declines([sure, unsure], 0.5) and declines([unsure], 0.5) and declines([], 0.1)
