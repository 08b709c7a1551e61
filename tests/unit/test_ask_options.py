"""Per-question options: one shared Rag answers each session's choices without one leaking into another."""

from __future__ import annotations

import pytest

from rag.errors import InputError
from rag.records import AskOptions, Filters

STUDENTS = "How many students from Tajikistan study in Russia?"


def test_each_question_gets_its_own_threshold_and_the_settings_stay_as_they_were(sample_memory):
    assert sample_memory.ask(STUDENTS, AskOptions(answer_threshold=1.0)).abstained
    assert not sample_memory.ask(STUDENTS, AskOptions(answer_threshold=0.0)).abstained
    assert sample_memory.settings.answer_threshold is None


def test_top_k_and_filters_apply_to_that_question_only(sample_memory):
    only = sorted(r.source for r in sample_memory.catalog())[-1]
    narrowed = sample_memory.ask(STUDENTS, AskOptions(top_k=2, filters=Filters(sources=(only,))))
    assert len(narrowed.hits) <= 2 and {h.chunk.source for h in narrowed.hits} == {only}
    assert len(sample_memory.ask(STUDENTS).hits) == sample_memory.settings.top_k


def test_answer_length_caps_the_quoted_sentences(sample_memory):
    question = "What did Lavrov say about the Tajik-Afghan border?"  # many sentences say something about it
    lengths = [len(sample_memory.ask(question, AskOptions(max_answer_sentences=n, answer_threshold=0.0)).citations)
               for n in (1, 3)]
    assert lengths == [1, 3]


def test_a_conversation_keeps_its_options_for_every_turn(sample_memory):
    chat = sample_memory.conversation(AskOptions(top_k=1))
    assert len(chat.send(STUDENTS).hits) == 1
    assert len(chat.send("And how many teachers?").hits) == 1


@pytest.mark.parametrize("options, named", [
    (AskOptions(llm="gpt"), "llm must be one of"),
    (AskOptions(max_answer_sentences=0), "max_answer_sentences"),
    (AskOptions(answer_threshold=1.5), "answer_threshold"),
    (AskOptions(top_k=0), "top_k"),
    (AskOptions(retriever="fuzzy"), "retriever"),
])
def test_a_bad_option_is_refused_by_name(sample_memory, options, named):
    with pytest.raises(InputError, match=named):
        sample_memory.ask(STUDENTS, options)
