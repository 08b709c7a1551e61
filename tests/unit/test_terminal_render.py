"""What `rag ask` prints: the answer once, one line for unsupported sentences, then the sources."""

from __future__ import annotations

from dataclasses import replace

from rag.records import Answer, Citation
from rag.service.render import answer_text

QUOTE = "The base holds 7,000 troops."
CITE = Citation(marker=1, source="a.txt", title="Base", date="2017-02-27", publisher="TASS", chunk_id="c1",
                quote=QUOTE, start=0, end=len(QUOTE), score=0.9)
ANSWER = Answer("How many troops?", "About 7,000 troops are there [1]. They came in 1992. They will stay.",
                abstained=False, citations=(CITE,), unsupported=("They came in 1992.", "They will stay."))


def test_unsupported_sentences_are_one_summary_line():
    text = answer_text(ANSWER)
    assert text.count("⚠") == 1
    assert "⚠ 2 sentences not supported by the cited passages: “They came in 1992.” · “They will stay.”" in text


def test_after_streaming_the_text_is_not_printed_again():
    streamed = answer_text(replace(ANSWER, notice="answered offline: no LLM server"), streamed=True)
    assert ANSWER.text not in streamed
    assert streamed.startswith("note: answered offline") and "[1] “Base” — TASS, 27 February 2017 (a.txt)" in streamed
    assert answer_text(ANSWER).startswith(ANSWER.text)
