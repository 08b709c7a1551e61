"""Retrieval's decisions on the real model and a real Chroma index: hybrid finds what each single
mode misses, a reprint does not crowd the top k, date ranges (as Chroma filters them and as
--since/--until set them) hold what they name, and the decline line sits at the threshold.

Nothing here asks a question of the sample corpus: the int8 embedder's vector for a sentence depends on
the sentences embedded with it, and vectors are cached per process, so an answer asked here could
change the answers of the tests that run after it (test_assertions' JSON record did). Retrieval embeds
the question alone, and what is asked is asked of this file's own Zorbian articles."""

from __future__ import annotations

import json
import math
import shutil

import pytest
from files import DATED, IN_2017
from helpers import CORPUS, make_rag
from typer.testing import CliRunner

from rag.cli.main import app
from rag.records import AskOptions, Filters
from rag.retrieve.hybrid import ChunkRetriever

TROOPS = "How many Russian troops are stationed in Tajikistan?"
BISHKEK = "Which city was Putin due to visit after Tajikistan?"  # gold g036: Bishkek, in 003 only


def test_hybrid_finds_at_top_2_what_dense_only_and_keyword_only_both_miss(sample_rag):
    found = {}
    for mode in ("dense", "bm25", "hybrid"):
        hits = ChunkRetriever(sample_rag.index, sample_rag.embedder, mode).retrieve(BISHKEK, 2)
        found[mode] = any("visit to Bishkek" in h.chunk.text for h in hits)
    assert found == {"dense": False, "bm25": False, "hybrid": True}  # what `rag ask --top-k 2` has to answer from


@pytest.fixture(scope="module")
def reprinted(tmp_path_factory):
    """The sample corpus and a second outlet's reprint of its troops story; tests only read it."""
    root = tmp_path_factory.mktemp("reprinted")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    text = (CORPUS / "004_d3314de6100c5788.txt").read_text(encoding="utf-8")
    (corpus / "reprint.txt").write_text(text.replace("© 2021, GDC.", "© 2021, Asia Wire."), encoding="utf-8")
    rag = make_rag(root / "index")
    assert rag.ingest([corpus]).ok
    return rag


def test_a_reprint_does_not_crowd_the_top_k_and_is_named_by_the_copy_that_is_cited(reprinted):
    """Issue 26 #5 changed this: the reprint's passages followed the top k, to be cited as a second
    source; now one copy stands for the story and names the other."""
    hits = reprinted.retriever.retrieve(TROOPS, 3)
    assert len({h.chunk.text for h in hits[:3]}) == 3  # three different passages, not one story twice
    story = {"reprint.txt", "004_d3314de6100c5788.txt"}
    found = [h for h in hits if h.chunk.source in story]
    assert found and len({h.chunk.source for h in found}) == 1
    assert all({c.source for c in h.also} == story - {h.chunk.source} for h in found)




@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """One short story per date precision (day, month, year, none) around the 2017 boundaries."""
    root = tmp_path_factory.mktemp("dated")
    folder = root / "news"
    folder.mkdir()
    for name, (line, story) in DATED.items():
        text = f"{story.rstrip('.')}\n\n{line}\n\n{story} Officials in Zorbia confirmed the news.\n"
        (folder / name).write_text(text, encoding="utf-8")
    rag = make_rag(root / "index")
    assert rag.ingest([folder]).ok
    assert {a.source: (a.date, a.date_precision) for a in rag.index.articles()}["y2017.txt"] == ("2017", "year")
    return rag


@pytest.mark.parametrize("mode", ["dense", "bm25"])  # both rankings go through the index's date filter
@pytest.mark.parametrize("since,until,inside,outside", [
    (None, "2017", IN_2017 | {"d2016-12-31.txt"}, {"d2018-01-01.txt", "undated.txt"}),  # --until 2017
    ("2017", None, IN_2017 | {"d2018-01-01.txt"}, {"d2016-12-31.txt", "undated.txt"}),  # --since 2017
    ("2017-03", "2017-03", {"d2017-03-05.txt", "m2017-03.txt"}, {"d2017-01-01.txt", "d2017-12-31.txt", "undated.txt"}),
    ("2017-03-05", "2017-03-05", {"d2017-03-05.txt"}, {"d2017-01-01.txt", "d2017-12-31.txt", "undated.txt"}),
    ("2017-01-01", "2017-12-31", IN_2017, {"d2016-12-31.txt", "d2018-01-01.txt", "undated.txt"}),
])
def test_a_date_range_holds_its_own_bounds_and_nothing_outside(dated, mode, since, until, inside, outside):
    hits = ChunkRetriever(dated.index, dated.embedder, mode).retrieve("What happened in Zorbia?", 20,
                                                                     Filters(date_from=since, date_to=until))
    found = {h.chunk.source for h in hits}
    assert inside <= found and not found & outside, sorted(found)


@pytest.mark.parametrize("flags,question,cited,not_cited", [
    (["--until", "2017"], "What did Zorbian fishermen land?", "d2017-12-31.txt", None),
    (["--until", "2016"], "What did Zorbian fishermen land?", None, "d2017-12-31.txt"),
    (["--since", "2017"], "What did the Zorbian mint issue?", "d2017-01-01.txt", None),
    (["--since", "2017-01-02"], "What did the Zorbian mint issue?", None, "d2017-01-01.txt"),
])
def test_since_and_until_on_the_command_line_are_inclusive(dated, tmp_path, monkeypatch, flags, question, cited,
                                                          not_cited):
    monkeypatch.chdir(tmp_path)  # no stray rag.toml
    result = CliRunner().invoke(app, ["ask", question, *flags, "--json"],
                                env={"RAG_INDEX_DIR": str(dated.settings.index_dir)})
    assert result.exit_code == 0, result.output
    sources = {c["source"] for c in json.loads(result.stdout)["citations"]}
    assert (cited is None or cited in sources) and not_cited not in sources, sources


def test_the_decline_line_is_the_threshold_itself(dated):
    question = "What did Zorbian fishermen land?"
    confidence = dated.ask(question).confidence
    assert 0 < confidence < 1
    for threshold, declined in ((confidence, False), (math.nextafter(confidence, 1.0), True)):
        answer = dated.ask(question, AskOptions(answer_threshold=threshold))
        assert answer.abstained is declined and ("herring" in answer.text) is not declined, threshold
