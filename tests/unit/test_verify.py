"""Citation verification: invalid markers removed, unsupported sentences flagged, grounded score."""

from rag.answer.verify import drop_invalid_markers, split_claims, support_score, verify
from rag.records import Answer, Citation

QUOTE = "About 7,000 troops from Russia's 201st Motor Rifle Division are stationed at three facilities in Tajikistan."


def cite(marker: int, quote: str = QUOTE) -> Citation:
    return Citation(marker, "003.txt", "t", "2017-02-27", None, "c", quote, 0, len(quote))


def test_invalid_markers_are_removed():
    assert drop_invalid_markers("A fact [1][7]. Another [2].", {1, 2}) == "A fact [1]. Another [2]."


def test_claims_split_with_their_markers_and_year_notes_dropped():
    claims = split_claims("(2017, 2021) About 7,000 troops are there [1][2]. Uncited sentence here. "
                          "A quoted one. [3] First of two. Second of two [4].")
    assert claims == [("About 7,000 troops are there.", [1, 2]), ("Uncited sentence here.", []),
                      ("A quoted one.", [3]), ("First of two.", []), ("Second of two.", [4])]


def test_wrong_number_is_never_supported():
    assert support_score("About 9,000 troops are stationed in Tajikistan.", [QUOTE]) == 0.0
    assert support_score("About 7,000 troops are stationed in Tajikistan.", [QUOTE]) > 0.6


def test_verify_flags_unsupported_and_uncited_sentences():
    text = ("About 7,000 Russian troops are stationed in Tajikistan [1]. "
            "China has 9,000 troops there [1]. Russia also plans a navy base [9].")
    answer = verify(Answer("q", text, False, (cite(1),)), {1: QUOTE})
    assert "[9]" not in answer.text
    assert answer.unsupported == ("China has 9,000 troops there.", "Russia also plans a navy base.")
    assert 0.0 < answer.grounded < 0.6


def test_verbatim_quotes_are_fully_grounded():
    answer = verify(Answer("q", f"{QUOTE} [1]", False, (cite(1),)), {1: QUOTE})
    assert answer.unsupported == () and answer.grounded == 1.0
