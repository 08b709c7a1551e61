"""Questions against the ingested sample corpus: cited answers, declines, filters, bad input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.errors import InputError
from rag.records import AskOptions, Filters, answer_record

STUDENTS_Q = "How many students from Tajikistan study in Russia?"


def test_students_answer_cites_the_right_article(sample_rag):
    answer = sample_rag.ask(STUDENTS_Q)
    assert not answer.abstained and "21,000" in answer.text
    assert "002_3e4b70f7a6e2aa7f.txt" in {c.source for c in answer.citations}
    assert "[1]" in answer.text


def test_every_citation_quote_is_verbatim_in_its_article(sample_rag):
    for q in [STUDENTS_Q, "How many Russian troops are stationed in Tajikistan?", "What did Lavrov say about the CSTO?"]:
        for c in sample_rag.ask(q).citations:
            article = sample_rag.index.store.get_article(c.source)
            assert article.text[c.start:c.end] == c.quote
            assert c.date == article.date and c.title == article.title


@pytest.mark.parametrize("question", ["What is the capital of Australia?", "Who won the 2018 FIFA World Cup?",
                                      "What is the recipe for apple pie?"])
def test_questions_the_corpus_cannot_answer_are_declined(sample_rag, question):
    answer = sample_rag.ask(question)
    assert answer.abstained and answer.citations == () and "do not answer" in answer.text


def test_json_record_has_the_documented_fields(sample_rag):
    record = answer_record(sample_rag.ask(STUDENTS_Q, qid="s1"))
    assert {"id", "question", "answer", "abstained", "citations", "latency_ms"} <= set(record)
    assert record["id"] == "s1" and record["latency_ms"] > 0
    assert {"marker", "source", "title", "date", "chunk_id", "quote", "score"} <= set(record["citations"][0])
    assert 0.3 < record["citations"][0]["score"] <= 1.0


def test_top_k_limits_retrieval(sample_rag):
    assert len(sample_rag.ask(STUDENTS_Q, AskOptions(top_k=2)).hits) == 2


def test_source_filter_restricts_citations(sample_rag):
    answer = sample_rag.ask("How many Russian troops are stationed in Tajikistan?",
                            AskOptions(filters=Filters(sources=("004_d3314de6100c5788.txt",))))
    assert {h.chunk.source for h in answer.hits} == {"004_d3314de6100c5788.txt"}
    assert "7,000" in answer.text


def test_date_range_filter_excludes_other_years_and_undated(sample_rag):
    answer = sample_rag.ask("Russian military base in Tajikistan",
                            AskOptions(top_k=20, filters=Filters(date_from="2017-01-01", date_to="2017-12-31")))
    assert {h.chunk.source for h in answer.hits} == {"002_3e4b70f7a6e2aa7f.txt", "003_daad56808568b6dc.txt"}


@pytest.mark.parametrize("bad,reason", [
    ("", "the question is empty"), ("   \x00\x07  ", "the question is empty"),
    ("x" * 5000, "the question is 5,000 characters long; the limit is 4,000"),
    ("Tajikistan", "a single word is not a question"), ("???", "the question has no words"),
    ("¿Quién ganó la Copa Mundial de la FIFA 2022?", "none of the question's words appear in the indexed articles"),
    ("Was sagt Zxqwv über Blorft?", "none of the question's words appear in the indexed articles"),
])
def test_bad_questions_are_declined_with_their_reason_and_no_short_answer(sample_rag, bad, reason):
    answer = sample_rag.ask(bad)
    assert (answer.status, answer.abstained, answer.short_answer) == ("declined", True, None)
    assert answer.reason.startswith(reason) and reason in answer.text and not answer.citations


def test_bad_date_filter_names_the_field(sample_rag):
    with pytest.raises(InputError, match="date_from: 'yesterday' is not a date"):
        sample_rag.ask(STUDENTS_Q, AskOptions(filters=Filters(date_from="yesterday")))


@pytest.mark.parametrize("question", [
    "Сколько российских военных находится в Таджикистане?", "俄罗斯在塔吉克斯坦有多少军队？",
    "كم عدد الجنود الروس في طاجيكستان؟", "🪖🇷🇺🇹🇯 ???", "How many\u202e troops\u200b are\ufeff there?",
])
def test_other_languages_and_scripts_get_an_answer_or_a_clear_decline(sample_rag, question):
    answer = sample_rag.ask(question)
    assert answer.text and (answer.abstained or answer.citations)


def test_a_100k_character_question_is_refused_with_the_limit(sample_rag):
    answer = sample_rag.ask("troops " * 14285 + "x" * 5)
    assert answer.status == "declined" and "100,000 characters long; the limit is 4,000" in answer.reason
    assert len(answer.question) <= 4000  # the record does not carry the whole 100,000 characters


@settings(max_examples=40, deadline=None)
@given(question=st.text(max_size=300))
def test_any_text_gets_an_answer_or_a_clear_input_error(sample_rag, question):
    try:
        answer = sample_rag.ask(question)
    except InputError as exc:
        assert "empty" in str(exc) or "limit" in str(exc)
    else:
        assert answer.text
