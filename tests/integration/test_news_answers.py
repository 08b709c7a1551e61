"""News-native answers on real files (issue 26 #2, #3, #5): the time a question gives, reports that
differ, and syndicated copies, over eval/news-corpus (fictional stories written for this) ingested
into a real index with the real model; and no false copies in the sample and dev corpora."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import ROOT, make_rag
from typer.testing import CliRunner

from rag.cli.main import app
from rag.lexicon.dates import human_date
from rag.records import DECLINED, PASSAGES, answer_record
from rag.service.render import answer_text
from rag.web.render import transcript

NEWS = ROOT / "eval" / "news-corpus"
PLANT = "How many people does Kestrel's Orrin Falls battery plant employ?"
PELL = {"courier-2021-pellair.txt", "harbourtimes-2021-pellair.txt", "lakeshore-2021-pellair.txt"}


@pytest.fixture(scope="module")
def news_rag(tmp_path_factory):
    folder = tmp_path_factory.mktemp("news") / "news-corpus"
    shutil.copytree(NEWS, folder)
    rag = make_rag(tmp_path_factory.mktemp("news-index"))
    assert rag.ingest([folder]).ok
    return rag


def test_a_year_in_the_question_keeps_the_facts_of_that_year(news_rag):
    answer = news_rag.ask("How many people did the Kestrel battery plant in Orrin Falls employ in 2020?")
    assert "300" in answer.text and "450" not in answer.text and "200" not in answer.text
    assert {c.source for c in answer.citations} == {"courier-2020-plant.txt"}
    assert "in 2020" in answer.notice  # the answer says which time it speaks for
    # the year is held by the filter, not asked of the sentence too: "now employs 450" in a 2021 story
    assert news_rag.ask("How many people did the Kestrel plant in Orrin Falls employ in 2021?").short_answer == "450 people"
    later = news_rag.ask("How many people worked at Kestrel's Orrin Falls plant in 2021?")
    assert "450" in later.text and "300 people" not in later.text and not later.differ


def test_a_time_no_article_is_of_is_declined_naming_it(news_rag):
    answer = news_rag.ask("How many people did the Kestrel plant in Orrin Falls employ in 2017?")
    assert answer.status == DECLINED and "“in 2017”" in answer.reason and not answer.citations


def test_now_puts_the_newest_dated_fact_first_and_says_as_of_when(news_rag):
    answer = news_rag.ask("How many people does the Kestrel plant in Orrin Falls employ now?")
    dates = [c.date for c in answer.citations]
    assert dates[0] == max(dates) == "2022-11-09" and not answer.differ
    assert f"as of {human_date(max(dates))}" in answer.notice


def test_reports_that_differ_show_each_value_with_outlet_and_date_newest_first(news_rag):
    answer = news_rag.ask(PLANT)
    values = [v.value for v in answer.differ]
    assert answer.status == PASSAGES and answer.short_answer is None  # no single value is promised
    assert "450 people" in values and "300 people" in values and values.index("450 people") < values.index("300 people")
    latest = next(v for v in answer.differ if v.value == "450 people")
    assert latest.where == "Orrin Ledger, 14 June 2021"  # the original, not its reprint two days later
    cited = {c.marker: c for c in answer.citations}
    assert all("450" in cited[m].quote for m in latest.markers)
    assert answer.text.startswith("Sources differ: ") and answer_text(answer).startswith("note: ") is False
    assert answer_record(answer)["differ"][0]["value"] == answer.differ[0].value
    html = transcript([answer], articles=news_rag.index.store.article_texts([c.source for c in answer.citations]))
    assert "Sources differ" in html and 'class="differ-label"' in html


def test_different_figures_of_different_things_are_not_reported_as_differing(news_rag):
    for question in ("How much did the second production line at the Orrin Falls battery plant cost?",
                     "How many people were missing after the Ossa river flooded Vellmar?"):
        assert not news_rag.ask(question).differ, question


def test_values_other_articles_give_withhold_the_bold_answer(news_rag):
    answer = news_rag.ask("How much copper does the Brenner Ridge mine produce a year?")
    assert answer.short_answer is None and "47,800" in answer.text  # 2019 and 2018 gave other figures


def test_two_mayors_in_two_years_are_reported_newest_first(news_rag):
    answer = news_rag.ask("Who is the mayor of Orrin Falls?")
    assert [v.value for v in answer.differ] == ["Jonas Abara", "Petra Lindqvist"] and answer.short_answer is None


def test_a_syndicated_story_is_cited_once_and_names_the_other_outlets(news_rag):
    answer = news_rag.ask("How many Corvan C-72 turboprop aircraft has Pell Air ordered?")
    cited = {c.source for c in answer.citations} & PELL
    assert len(cited) == 1 and "eight" in answer.text
    citation = next(c for c in answer.citations if c.source in PELL)
    assert {x.source for x in citation.also_reported_by} == PELL - cited
    papers = {"courier-2021-pellair.txt": "Valley Courier", "harbourtimes-2021-pellair.txt": "Harbour Times",
              "lakeshore-2021-pellair.txt": "Lakeshore Post"}  # the papers that printed the wire's story
    assert {x.publisher for x in citation.also_reported_by} == {papers[s] for s in PELL - cited}
    record = answer_record(answer)["citations"][0]
    assert {x["source"] for x in record["also_reported_by"]} == PELL - cited
    assert "also in " in answer_text(answer)
    html = transcript([answer], articles=news_rag.index.store.article_texts(list(cited)))
    assert "also in " in html
    for copy in PELL:  # every copy stays indexed and findable
        only = news_rag.ask("How many aircraft has Pell Air ordered?", _only(copy))
        assert {c.source for c in only.citations} == {copy}


def _only(source: str):
    from rag.records import AskOptions, Filters

    return AskOptions(filters=Filters(sources=(source,)))


def test_two_stories_sharing_a_paragraph_are_not_copies(news_rag):
    copies = news_rag.copies(a.source for a in news_rag.index.articles())
    assert {s for s in copies} == PELL | {"ledger-2021-plant.txt", "lakeshore-2021-plant.txt"}
    assert "harbourtimes-2019-port-cranes.txt" not in copies and "lakeshore-2020-ferry-strike.txt" not in copies


def test_the_sample_and_dev_corpora_hold_no_copies(sample_rag):
    from rag.ingest.load import SourceFile, load_file
    from rag.ingest.metadata import build_article
    from rag.retrieve.copies import copy_groups

    assert sample_rag.copies(a.source for a in sample_rag.index.articles()) == {}
    dev = ROOT / "eval" / "dev-corpus"
    texts = {p.name: build_article(load_file(SourceFile(p, dev), 10**7)).text for p in dev.glob("*.txt")}
    assert len(texts) == 50 and copy_groups(texts) == []


def test_the_terminal_shows_sources_differ_and_also_in(news_rag, monkeypatch):
    monkeypatch.setenv("RAG_INDEX_DIR", str(news_rag.settings.index_dir))
    out = CliRunner().invoke(app, ["ask", PLANT]).stdout
    assert out.startswith("Sources differ: ") and "450 people (Orrin Ledger, 14 June 2021)" in out
    result = CliRunner().invoke(app, ["ask", "How many Corvan C-72 turboprop aircraft has Pell Air ordered?", "--json"])
    cites = json.loads(result.stdout)["citations"]
    assert result.exit_code == 0 and any(c["also_reported_by"] for c in cites)


def test_time_in_a_question_on_the_sample_corpus(sample_rag):
    in_2017 = sample_rag.ask("How many Russian troops were stationed in Tajikistan in 2017?")
    assert "7,000" in in_2017.text and {c.date[:4] for c in in_2017.citations} == {"2017"}
    assert in_2017.short_answer == "About 7,000 troops" and "in 2017" in in_2017.notice
    none = sample_rag.ask("How many Russian troops were stationed in Tajikistan in 2014?")
    assert none.status == DECLINED and "“in 2014”" in none.reason
