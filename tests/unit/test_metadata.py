"""Article records from the sample corpus, and the date rules behind them."""

import datetime as dt

import pytest
from helpers import CORPUS
from hypothesis import given
from hypothesis import strategies as st

from rag.ingest.load import SourceFile, load_file
from rag.ingest.metadata import build_article
from rag.lexicon.dates import find_publication_date, parse_date

EXPECTED = {
    "000_7fcf803510b2e5fd.txt": ("Lavrov: Russia to help Tajikistan build a new border post on its border with Afghanistan",
                                 "2021-05-19", "day", "dateline", "TASS"),
    "001_4ecbdd51a9200624.txt": ("Russia’s Lavrov to discuss Russian-Tajikistani collaboration",
                                 "--04-24", "month-day", "dateline", "Itar-Tass"),
    "002_3e4b70f7a6e2aa7f.txt": ("Putin: Russia's military base in Tajikistan to ensure security of border with Afghanistan",
                                 "2017-02-27", "day", "source-line", "Itar Tass"),
    "003_daad56808568b6dc.txt": ("Putin and Rahmon agree to bolster Tajik-Afghan border security",
                                 "2017-02-27", "day", "publication-line", "Radio Free Europe/Radio Liberty"),
    "004_d3314de6100c5788.txt": ("Russia sends troops to Tajikistan, establishes a military base",
                                 "2021", "year", "copyright", "GDC"),
}


def article(name: str):
    return build_article(load_file(SourceFile(CORPUS / name, CORPUS), 10**7))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_article_metadata(name):
    a = article(name)
    title, date, precision, evidence, publisher = EXPECTED[name]
    assert (a.title, a.date, a.date_precision, a.date_evidence, a.publisher) == (title, date, precision, evidence, publisher)
    assert a.source == name and len(a.content_hash) == 64


def test_reprint_dates_are_not_publication_dates():
    a = article("003_daad56808568b6dc.txt")
    assert "2023" not in a.date  # "Last Updated ... 2023" and "[accessed 19 May 2023]" are the reprint's


def test_yearless_dateline_stays_partial():
    a = article("001_4ecbdd51a9200624.txt")
    assert a.date_precision == "month-day" and a.date == "--04-24"


@pytest.mark.parametrize("text,expected", [
    ("19 May 2021", ("2021-05-19", "day")),
    ("[Source: Itar Tass, Dushanbe, 27Feb17]", ("2017-02-27", "day")),
    ("February 27, 2017", ("2017-02-27", "day")),
    ("Publication Date 27 February 2017", ("2017-02-27", "day")),
    ("2021-05-19", ("2021-05-19", "day")),
    ("Sept. 3, 1999", ("1999-09-03", "day")),
    ("March 2020", ("2020-03", "month")),
    ("DUSHANBE, April 24 (Itar-Tass)", ("--04-24", "month-day")),
    ("31 February 2017", ("2017-02", "month")),  # the impossible day is dropped, the stated month kept
    ("no date here at all", None),
])
def test_parse_date_formats(text, expected):
    assert parse_date(text) == expected


def test_no_date_means_none_not_a_guess():
    assert find_publication_date(["Some headline about things", "A paragraph without any date."]) is None


def test_copyright_year_is_weak_evidence():
    found = find_publication_date(["Headline here now", "Body text.", "© 2019 Some Outlet"])
    assert (found.iso, found.precision, found.evidence) == ("2019", "year", "copyright")


def test_last_updated_is_skipped_for_the_real_date():
    found = find_publication_date(["Last Updated: 17 May 2023", "Headline of the story", "February 27, 2017"])
    assert found.iso == "2017-02-27"


@given(st.text(max_size=200))
def test_parse_date_never_raises_and_is_valid_iso(text):
    parsed = parse_date(text)
    if parsed and parsed[1] == "day":
        dt.date.fromisoformat(parsed[0])


def test_a_markdown_heading_is_the_title_without_its_marks(tmp_path):
    from rag.ingest.load import SourceFile, load_file

    path = tmp_path / "a.md"
    path.write_text("# Russia opens a school\n\nThe school will teach 1,200 pupils in Russian and Tajik.\n")
    article = build_article(load_file(SourceFile(path, tmp_path), 10_000))
    assert article.title == "Russia opens a school"


@pytest.mark.parametrize("title,publisher,expected", [
    ("Senate passes the budget bill | CNN Politics", "CNN", ("Senate passes the budget bill", "CNN Politics")),
    ("N. Korea fires missile | Yonhap News Agency", None, ("N. Korea fires missile", "Yonhap News Agency")),
    ("Russia sends troops to the border - Reuters", "Reuters", ("Russia sends troops to the border", "Reuters")),
    ("Putin - the man who sold the world", None, ("Putin - the man who sold the world", None)),  # a dash is not a site
    ("Rock | Paper", None, ("Rock | Paper", None)),  # too short to be a headline with a site
])
def test_a_web_pages_title_loses_its_sites_name(title, publisher, expected):
    """Issue 24 #4: titles kept " | CNN Politics" and " | Yonhap News Agency"."""
    from rag.ingest.metadata import without_site

    assert without_site(title, publisher) == expected



@pytest.mark.parametrize("lines,meta,expected", [
    (["Plant hires", "Valley Courier, 3 March 2020", "", "The plant employs 300 people."], None,
     ("2020-03-03", "outlet-line", "Valley Courier")),
    (["Plant grows", "By Jane Smith | Reuters | March 3, 2020", "The plant now employs 450."], None,
     ("2020-03-03", "outlet-line", "Reuters")),
    (["SEOUL, Aug. 20 (Yonhap) -- The talks resumed."], "2019-08-20", ("2019-08-20", "html-meta", "Yonhap")),
    (["DUSHANBE, April 24 (Itar-Tass) - Talks began.", "The visit, on April 24, 2012, was the first."], None,
     ("2012-04-24", "dateline", "Itar-Tass")),
    (["DUSHANBE, April 24 (Itar-Tass) - Talks began.", "NATO leaves in 2014."], None,
     ("--04-24", "dateline", "Itar-Tass")),  # a year the article mentions is not the year of its day
    (["Monday, March 3, 2020", "The council met."], None, ("2020-03-03", "dateline", None)),  # a weekday is no outlet
    (["LONDON, March 3, 2020 - The council met."], None, ("2020-03-03", "dateline", None)),  # nor is a city
    # a wire story a paper printed: the paper is the outlet, the dateline's credit the agency (a new user
    # saw three papers' copies all cited as "Northwire")
    (["Pell Air orders turboprops", "Valley Courier, 6 May 2021", "",
      "MARSTON, May 5 (Northwire) – Pell Air has ordered eight aircraft."], None,
     ("2021-05-06", "outlet-line", "Valley Courier")),
])
def test_dates_and_outlets_from_the_lines_news_prints_by_a_story(lines, meta, expected):
    from rag.ingest.metadata import find_publisher

    found = find_publication_date(lines, meta)
    assert (found.iso, found.evidence, find_publisher(lines)) == expected
