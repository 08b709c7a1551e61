"""Quotation marks pair up in answers and quotes, and a passage is cited once however often it is used."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rag.answer.cite import Evidence, compose
from rag.lexicon.sentences import as_quote, balance_quotes
from rag.records import Chunk, Hit

QUOTE_TEXT = st.text(alphabet=st.sampled_from(list("ab .,“”\"’")), max_size=40)


@given(QUOTE_TEXT)
def test_marks_always_pair_up_and_the_text_is_kept(text):
    out = balance_quotes(text)
    assert out.count("“") == out.count("”") and out.count('"') % 2 == 0
    assert text in out


def test_a_quotation_is_not_wrapped_twice_or_left_open():
    assert as_quote("“We’ll stay,” he said.") == "“We’ll stay,” he said."
    assert as_quote("“We’ll stay as long as needed.") == "“We’ll stay as long as needed.”"
    assert as_quote("The base stays.") == "“The base stays.”"
    assert as_quote("as long as needed,” he said.") == "“as long as needed,” he said."


def _evidence(start: int, text: str) -> Evidence:
    hit = Hit(Chunk("c1", "a.txt", 0, text, start, start + len(text)), 0.9, "Talks", "2017-02-27", "TASS")
    return Evidence(hit, start, start + len(text), text)


def test_one_passage_used_twice_is_one_citation():
    same = _evidence(10, "“Troops will stay,” Lavrov said.")
    other = _evidence(80, "The base holds 7,000 troops.")
    sentences, citations = compose([[same], [other, same]])
    assert [c.start for c in citations] == [10, 80]
    assert [s.markers for s in sentences] == [(1,), (2, 1)]


def test_a_list_items_dash_is_not_part_of_the_quoted_sentence():
    sentences, citations = compose([[_evidence(5, "- The base holds 7,000 troops.")], [_evidence(60, "2. Talks resume in May.")]])
    assert [s.text for s in sentences] == ["The base holds 7,000 troops.", "Talks resume in May."]
    assert citations[0].quote == "- The base holds 7,000 troops."  # the quote stays verbatim, at its offsets


def test_the_years_of_a_sentences_sources_follow_its_markers_never_inside_its_words():
    """Issue 24 #10: "(2017, 2021)" sat inside the quoted sentence."""
    from rag.answer.cite import plain_text
    from rag.records import Answer, Sentence
    from rag.service.render import answer_markdown, body_text
    from rag.web.render import transcript

    sentence = Sentence("About 7,000 troops are stationed there.", (1, 2), years=("2017", "2021"))
    assert plain_text(None, (sentence,)) == "About 7,000 troops are stationed there. [1][2] (2017, 2021)"
    answer = Answer("q", plain_text(None, (sentence,)), False, status="passages", sentences=(sentence,))
    assert body_text(answer).endswith("stationed there. [1][2] (2017, 2021)")
    assert "stationed there. **[1]****[2]** \\(2017, 2021\\)" in answer_markdown(answer)  # escaped for Markdown
    html = transcript([answer])
    assert html.index("stationed there.") < html.index('href="#src-1-2"') < html.index("(2017, 2021)")
