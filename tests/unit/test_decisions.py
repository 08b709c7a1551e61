"""The constants and comparisons an answer turns on, pinned at their boundaries: reciprocal-rank
fusion against a brute-force reference, diversity among the top k, the date bounds, the decline
threshold, the answerer's keep ratio and verification's support threshold."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from fakes import CORPUS, memory_rag
from files import DATED, IN_2017
from hypothesis import example, given
from hypothesis import strategies as st

from rag.answer.answerer import ExtractiveAnswerer, declines
from rag.answer.features import NAMES, Candidate
from rag.answer.question import analyze
from rag.answer.rank import WEIGHTS, PartRanking, Scored
from rag.answer.verify import from_text, support_score, verify
from rag.records import Answer, AskOptions, Chunk, Citation, Filters, Hit
from rag.retrieve.fusion import diversify, reciprocal_rank_fusion
from rag.retrieve.hybrid import ChunkRetriever
from rag.service import Rag

TROOPS = "How many Russian troops are stationed in Tajikistan?"
STUDENTS = "How many students from Tajikistan study in Russia?"


def hit(cid: str, text: str | None = None, source: str = "s", score: float = 0.5) -> Hit:
    text = cid if text is None else text
    return Hit(Chunk(cid, source, 0, text, 0, len(text)), score, "t", None, None)


# --- Reciprocal-rank fusion -------------------------------------------------------------------

K = 60  # Cormack et al. (2009), written out: the reference must not read the constant it checks


def rrf_by_hand(rankings: list[list[str]]) -> list[str]:
    """Brute force: each id's sum of 1/(K + rank) over the rankings that hold it (rank from 1, the
    terms added in ranking order), highest first; equal sums keep the order ids were first seen."""
    seen = list(dict.fromkeys(cid for ranking in rankings for cid in ranking))
    total = {cid: sum(1.0 / (K + ranking.index(cid) + 1) for ranking in rankings if cid in ranking) for cid in seen}
    return sorted(seen, key=lambda cid: -total[cid])


def filler(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


@st.composite
def rankings(draw) -> list[list[str]]:
    """One to three rankings, each a shuffle of one pool of chunk ids cut at its own depth: ids that
    two rankings place far apart, the case where the constant decides the order."""
    pool = [str(i) for i in range(draw(st.integers(0, 120)))]
    return [draw(st.permutations(pool))[:draw(st.integers(0, len(pool)))] for _ in range(draw(st.integers(1, 3)))]


@given(rankings=rankings())
# "b", third in both rankings, against "a", first in one: b leads for any K > 1 (a tie at 1, kept in first-seen order)
@example(rankings=[["a", "x", "b"], ["y", "z", "b"]])
# "b", 63rd in both, against "a", first in one: a leads for any K up to 61 (a tie at 61), b for any K above
@example(rankings=[["a", *filler("f", 61), "b"], [*filler("g", 62), "b"]])
def test_fusion_orders_hits_as_reciprocal_rank_fusion_by_hand(rankings):
    hits = [[hit(cid, source=f"list{n}") for cid in ranking] for n, ranking in enumerate(rankings)]
    fused = reciprocal_rank_fusion(hits)
    assert [h.chunk.id for h in fused] == rrf_by_hand(rankings)
    first = {}
    for ranking in hits:
        for h in ranking:
            first.setdefault(h.chunk.id, h)
    assert all(h is first[h.chunk.id] for h in fused)  # one hit per chunk id: the one first seen


# --- Diversity among the top k ----------------------------------------------------------------

TANKS = ("Russia will station more than a hundred tanks and armored vehicles in Tajikistan if the need arises, "
         "officials said.")
BASE = "Tajikistan hosts about 7,000 troops from Russia's 201st Motor Rifle Division in three facilities near Dushanbe."
CSTO = "Lavrov said the obligations of the security alliance remain fully in force during his visit to Laos."
AFGHAN = "Earlier, Moscow said it was not interested in interfering in the situation in Afghanistan at all."


def test_a_reprinted_story_does_not_crowd_the_top_k_but_stays_citable_after_it():
    story = hit("tanks", TANKS, "wire.txt")
    reprint = hit("tanks-again", TANKS.replace("officials", "ministers"), "reprint.txt")  # a near-duplicate
    base, csto, afghan = hit("base", BASE), hit("csto", CSTO), hit("afghan", AFGHAN)
    assert diversify([story, reprint, base, csto, afghan], 3) == [story, base, csto, reprint]
    assert diversify([story, base, csto, afghan], 3) == [story, base, csto]  # nothing to demote: the top k as ranked


def test_a_story_that_only_shares_a_phrase_keeps_its_place_in_the_top_k():
    first = hit("tj", "Tajikistan hosts about 7,000 troops from Russia's 201st Motor Rifle Division that are "
                      "stationed in three facilities, officials said.")
    other = hit("kg", "Kyrgyzstan hosts about 500 troops from Russia's air force that are stationed in three "
                      "facilities, officials said.")  # a third of its word trigrams shared: another fact
    assert diversify([first, other, hit("csto", CSTO)], 2) == [first, other]


@pytest.fixture
def reprinted(tmp_path: Path) -> Rag:
    """The sample corpus and a second outlet's reprint of its troops story, in memory."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    text = (CORPUS / "004_d3314de6100c5788.txt").read_text(encoding="utf-8")
    (corpus / "reprint.txt").write_text(text.replace("© 2021, GDC.", "© 2021, Asia Wire."), encoding="utf-8")
    rag = memory_rag(tmp_path)
    rag.ingest([corpus])
    return rag


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_the_retrievers_top_k_holds_no_reprint_of_itself_and_the_reprint_follows(reprinted, mode):
    hits = ChunkRetriever(reprinted.index, reprinted.embedder, mode).retrieve(TROOPS, 3)
    top, rest = hits[:3], hits[3:]
    assert len({h.chunk.text for h in top}) == 3  # three different passages, not one story twice
    copies = [h for h in rest if any(h.chunk.text == t.chunk.text for t in top)]
    assert copies and {h.chunk.source for h in copies} & {"reprint.txt", "004_d3314de6100c5788.txt"}


# --- Date bounds -------------------------------------------------------------------------------

RANGES = [  # (since, until): the articles inside, the articles outside (one with a coarser date may be neither)
    (None, "2017", IN_2017 | {"d2016-12-31.txt"}, {"d2018-01-01.txt", "undated.txt"}),  # --until 2017
    ("2017", None, IN_2017 | {"d2018-01-01.txt"}, {"d2016-12-31.txt", "undated.txt"}),  # --since 2017
    ("2017", "2017", IN_2017, {"d2016-12-31.txt", "d2018-01-01.txt", "undated.txt"}),
    ("2018", None, {"d2018-01-01.txt"}, IN_2017 | {"d2016-12-31.txt", "undated.txt"}),
    (None, "2016", {"d2016-12-31.txt"}, IN_2017 | {"d2018-01-01.txt", "undated.txt"}),
    ("2017-03", "2017-03", {"d2017-03-05.txt", "m2017-03.txt"},
     {"d2017-01-01.txt", "d2017-12-31.txt", "d2016-12-31.txt", "d2018-01-01.txt", "undated.txt"}),
    ("2017-02", "2017-04", {"d2017-03-05.txt", "m2017-03.txt"}, {"d2017-01-01.txt", "d2017-12-31.txt", "undated.txt"}),
    ("2017-03-05", "2017-03-05", {"d2017-03-05.txt"}, {"d2017-01-01.txt", "d2017-12-31.txt", "undated.txt"}),
    ("2017-01-01", None, IN_2017 | {"d2018-01-01.txt"}, {"d2016-12-31.txt", "undated.txt"}),
    (None, "2017-12-31", IN_2017 | {"d2016-12-31.txt"}, {"d2018-01-01.txt", "undated.txt"}),
    ("2017-03-06", "2017-12-30", set(), {"d2017-03-05.txt", "d2017-12-31.txt", "d2017-01-01.txt", "undated.txt"}),
]


def write_dated(folder: Path) -> Path:
    folder.mkdir()
    for name, (line, story) in DATED.items():
        text = f"{story.rstrip('.')}\n\n{line}\n\n{story} Officials in Zorbia confirmed the news.\n"
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def dated(tmp_path: Path) -> Rag:
    rag = memory_rag(tmp_path)
    rag.ingest([write_dated(tmp_path / "news")])
    return rag


def test_date_ranges_hold_what_they_name_at_year_month_and_day_precision(dated):
    assert {a.source: a.date for a in dated.index.articles()}["m2017-03.txt"] == "2017-03"  # the corpus is what it says
    for since, until, inside, outside in RANGES:
        hits = dated.retriever.retrieve("What happened in Zorbia?", 20, Filters(date_from=since, date_to=until))
        found = {h.chunk.source for h in hits}
        assert inside <= found and not found & outside, (since, until, sorted(found))


# --- The decline decision ----------------------------------------------------------------------

SHIPPED = json.loads(WEIGHTS.read_text(encoding="utf-8"))["threshold"]  # chosen with the model


def test_the_shipped_threshold_answers_at_it_and_declines_just_below(tmp_path):
    assert memory_rag(tmp_path).options().answer_threshold == SHIPPED  # the default when none is set
    at = PartRanking(analyze("How many troops?"), (), confidence=SHIPPED)
    below = PartRanking(analyze("How many troops?"), (), confidence=math.nextafter(SHIPPED, 0.0))
    assert not declines([at], SHIPPED) and declines([below], SHIPPED)
    assert not declines([below, at], SHIPPED)  # one part at the threshold answers the question


def test_a_threshold_equal_to_the_answers_confidence_answers_and_a_hair_above_declines(sample_memory):
    confidence = sample_memory.ask(STUDENTS).confidence
    assert 0 < confidence < 1
    for threshold, declined in ((confidence, False), (math.nextafter(confidence, 1.0), True)):
        answer = sample_memory.ask(STUDENTS, AskOptions(answer_threshold=threshold))
        assert answer.abstained is declined and bool(answer.citations) is not declined, threshold


# --- The answerer's keep ratio ----------------------------------------------------------------

FIRST = "Zorbian farmers planted barley early after a mild winter."
SECOND = "Zorbian fishermen landed a record catch of herring off the coast."


def scored(text: str, article: str, h: Hit, score: float, axis: int) -> Scored:
    start = article.index(text)
    return Scored(Candidate(h, start, start + len(text), text, False, article), score,
                  np.eye(2)[axis], np.zeros(len(NAMES)))  # orthogonal vectors: two different facts


@pytest.mark.parametrize("runner_up,quoted", [(0.80, 1), (0.81, 2)])  # 0.95 x 0.85 = 0.8075
def test_a_second_sentence_is_quoted_only_within_the_keep_ratio_of_the_best(runner_up, quoted):
    article = f"Zorbian news\n\n{FIRST} {SECOND}"
    h = Hit(Chunk("c1", "zorbia.txt", 0, article, 0, len(article)), 0.8, "Zorbian news", "2017-03-05", "Wire")
    part = PartRanking(analyze("What happened in Zorbia?"),
                       (scored(FIRST, article, h, 0.95, 0), scored(SECOND, article, h, runner_up, 1)), confidence=0.95)
    answer = ExtractiveAnswerer(SHIPPED).answer("What happened in Zorbia?", [h], [part])
    assert [s.text for s in answer.sentences] == [FIRST, SECOND][:quoted]
    assert (SECOND in answer.text) is (quoted == 2)


# --- Verification's support threshold ---------------------------------------------------------

FARM = "Zorbian farmers harvested wheat near the river."


def test_a_claim_half_supported_is_flagged_and_one_supported_at_the_threshold_is_not():
    half, enough = "Zorbian farmers exported barley.", "Zorbian farmers harvested barley abroad."
    assert (support_score(half, [FARM]), support_score(enough, [FARM])) == (0.5, 0.6)  # 2 of 4 words; 3 of 5
    quote = Citation(1, "farm.txt", "t", "2017-03-05", None, "c", FARM, 0, len(FARM))
    text = f"{half} [1] {enough} [1]"
    short, sentences = from_text(text)
    answer = verify(Answer("q", text, False, (quote,), answerer="openai", short_answer=short, sentences=sentences),
                    {1: FARM})
    assert answer.unsupported == (half,) and [s.supported for s in answer.sentences] == [False, True]
