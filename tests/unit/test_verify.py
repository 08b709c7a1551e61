"""Citation verification: invalid markers removed, unsupported sentences flagged, grounded score."""

from rag.answer.verify import from_text, split_claims, support_score, verify
from rag.records import PASSAGES, Answer, Citation

QUOTE = "About 7,000 troops from Russia's 201st Motor Rifle Division are stationed at three facilities in Tajikistan."


def cite(marker: int, quote: str = QUOTE) -> Citation:
    return Citation(marker, "003.txt", "t", "2017-02-27", None, "c", quote, 0, len(quote))


def llm_answer(text: str, *citations: Citation) -> Answer:
    short, sentences = from_text(text)
    return Answer("q", text, False, citations, answerer="openai", short_answer=short, sentences=sentences)


def test_invalid_markers_are_removed():
    answer = verify(llm_answer("A fact about troops [1][7]. Another [2].", cite(1), cite(2)), {1: QUOTE, 2: QUOTE})
    assert [s.markers for s in answer.sentences] == [(1,), (2,)]
    assert "[7]" not in answer.text and "[1]" in answer.text


def test_an_llm_answer_becomes_records_once_with_its_lead():
    short, sentences = from_text("**9,000 troops** — About 7,000 troops are there [1][2]. Uncited.")
    assert short == "9,000 troops" and [(s.text, s.markers) for s in sentences] == [
        ("About 7,000 troops are there.", (1, 2)), ("Uncited.", ())]


def test_claims_split_with_their_markers():
    claims = split_claims("About 7,000 troops are there [1][2]. Uncited sentence here. "
                          "A quoted one. [3] First of two. Second of two [4].")
    assert claims == [("About 7,000 troops are there.", [1, 2]), ("Uncited sentence here.", []),
                      ("A quoted one.", [3]), ("First of two.", []), ("Second of two.", [4])]


def test_wrong_number_is_never_supported():
    assert support_score("About 9,000 troops are stationed in Tajikistan.", [QUOTE]) == 0.0
    assert support_score("About 7,000 troops are stationed in Tajikistan.", [QUOTE]) > 0.6


def test_verify_flags_unsupported_and_uncited_sentences():
    text = ("About 7,000 Russian troops are stationed in Tajikistan [1]. "
            "China has 9,000 troops there [1]. Russia also plans a navy base [9].")
    answer = verify(llm_answer(text, cite(1)), {1: QUOTE})
    assert "[9]" not in answer.text
    assert answer.unsupported == ("China has 9,000 troops there.", "Russia also plans a navy base.")
    assert 0.0 < answer.grounded < 0.6


def test_verbatim_quotes_are_fully_grounded():
    answer = verify(llm_answer(f"{QUOTE} [1]", cite(1)), {1: QUOTE})
    assert answer.unsupported == () and answer.grounded == 1.0


def test_a_short_answer_no_source_states_loses_its_bold():
    """An LLM's bold lead used to skip verification: "**9,000 troops** — About 7,000 troops … [1]" passed."""
    answer = verify(llm_answer(f"**9,000 troops** — {QUOTE} [1]", cite(1)), {1: QUOTE})
    assert answer.short_answer is None and answer.unsupported == ("9,000 troops",)
    assert "9,000" not in answer.text and "not stated by the cited sources" in answer.notice
    kept = verify(llm_answer(f"**About 7,000 troops** — {QUOTE} [1]", cite(1)), {1: QUOTE})
    assert kept.short_answer == "About 7,000 troops" and kept.unsupported == ()


def test_an_extractive_answer_without_its_short_answer_is_passages():
    answer = Answer("q", "", False, (cite(1),), answerer="extractive", short_answer="9,000 troops",
                    sentences=from_text(f"{QUOTE} [1]")[1])
    assert verify(answer, {1: QUOTE}).status == PASSAGES


def test_a_claim_that_flips_the_meaning_is_never_supported():
    """Issue 23 #2: each of these passed as supported (grounded 0.79, 0.83, 0.85)."""
    for claim in ("No troops from Russia's 201st Motor Rifle Division are stationed at three facilities in Tajikistan.",
                  "About nine thousand troops from Russia's 201st Motor Rifle Division are stationed in Tajikistan.",
                  "About 7,000 million troops from Russia's 201st Motor Rifle Division are stationed in Tajikistan."):
        answer = verify(llm_answer(f"{claim} [1]", cite(1)), {1: QUOTE})
        assert answer.unsupported == (claim,), claim
    same = "About seven thousand troops from Russia's 201st Motor Rifle Division are stationed in Tajikistan."
    assert verify(llm_answer(f"{same} [1]", cite(1)), {1: QUOTE}).unsupported == ()  # words for the same number
    denied = "No Chinese troops are stationed in Tajikistan, officials said."
    assert support_score("Chinese troops are not stationed in Tajikistan.", [denied]) > 0.6  # both deny it


def test_each_part_of_a_short_answer_is_checked_and_a_span_has_no_polarity():
    both = verify(llm_answer(f"**7,000 troops; three facilities** — {QUOTE} [1]", cite(1)), {1: QUOTE})
    assert both.short_answer == "7,000 troops; three facilities" and both.unsupported == ()
    denial = "Officials said the troops were not withdrawn from the 201st base."
    kept = verify(llm_answer(f"**the 201st base** — {denial} [1]", cite(1, denial)), {1: denial})
    assert kept.short_answer == "the 201st base"
    half = verify(llm_answer(f"**7,000 troops; 12 facilities** — {QUOTE} [1]", cite(1)), {1: QUOTE})
    assert half.short_answer is None
