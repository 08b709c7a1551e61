"""A timeline's entries from sentences and their similarity to the topic (issue 26, part 4): the date each
sentence is placed at, which are left out, and the order; no model, no index."""

from __future__ import annotations

from rag.answer.features import Candidate
from rag.cli.timeline import line
from rag.records import Chunk, Filters, Hit, TimelineEntry
from rag.service.timeline import sentence_date, timeline_entries, within, written_year
from rag.web.timeline_tab import timeline_html


def cand(text: str, date: str | None, source: str = "a.txt", start: int = 0) -> Candidate:
    """One sentence of an article of `date`, at `start` in its text (the chunk is the sentence)."""
    hit = Hit(Chunk(f"{source}-{start}", source, 0, text, start, start + len(text)), 0.5, f"Title of {source}", date, "Wire")
    return Candidate(hit, start, start + len(text), text, False)


def dates(cands: list[Candidate], threshold: float = 0.4) -> list[str]:
    return [e.date for e in timeline_entries(cands, [0.9] * len(cands), threshold)]


def test_a_date_written_in_the_sentence_beats_the_article_date():
    assert dates([cand("The plant opened its doors on 3 March 2020, its manager said.", "2022-01-05")]) == ["2020-03-03"]
    assert dates([cand("The plant employed 300 workers in 2020, up from 200.", "2022-01-05")]) == ["2020"]
    assert dates([cand("Orders fell in June 2019 and never recovered.", "2022-01-05")]) == ["2019-06"]
    assert dates([cand("The plant now employs 450 workers.", "2022-01-05")]) == ["2022-01-05"]  # none written: the article's


def test_a_day_without_its_year_takes_the_year_written_else_the_articles():
    assert sentence_date("Putin met Rahmon on February 27 in Dushanbe.", "2017-03-01").iso == "2017-02-27"
    assert sentence_date("The accord of April 24, signed in 2012, still holds.", "2020-01-01").iso == "2012-04-24"


def test_relative_dates_are_resolved_against_the_article_date():
    # 21 May 2021 was a Friday: "on Wednesday" is the 19th, "yesterday" the 20th, "last year" 2020
    assert dates([cand("Lavrov said this on Wednesday after the talks.", "2021-05-21")]) == ["2021-05-19"]
    assert dates([cand("The minister arrived in Dushanbe yesterday for talks.", "2021-05-21")]) == ["2021-05-20"]
    assert dates([cand("Exports fell by a third last year, officials said.", "2021-05-21")]) == ["2020"]


def test_a_count_is_not_a_year():
    assert written_year("Russia will send 2000 troops to the border.") is None
    assert written_year("In 2000 voters chose a new president.") == 2000  # after "in", a year
    assert written_year("The bridge cost $2000 a metre.") is None
    assert written_year("Since 1992 the two have cooperated.") == 1992
    assert dates([cand("Russia will send 2000 troops to the border.", "2021-07-07")]) == ["2021-07-07"]


def test_a_sentence_that_cannot_be_dated_is_left_out():
    undated = cand("The plant employs 450 workers.", None)
    year_unknown = cand("Talks began on Monday in the capital.", "--04-24")  # an article whose year is unknown
    named = cand("The plant opened in 1998, the mayor said.", None, source="b.txt")
    assert dates([undated, year_unknown, named]) == ["1998"]


def test_only_sentences_about_the_topic_are_kept():
    cands = [cand("The plant employs 300 workers.", "2020-03-03"), cand("Rain is expected.", "2020-03-04", "b.txt")]
    entries = timeline_entries(cands, [0.55, 0.39], 0.4)
    assert [e.text for e in entries] == ["The plant employs 300 workers."]


def test_entries_are_in_date_order_across_precisions_ties_by_source():
    cands = [cand("The plant now employs 450 workers.", "2021-06-14", "ledger.txt"),
             cand("The plant sent 200 workers home in 2022.", "2022-02-01", "post.txt"),
             cand("Orders grew all through 2021.", "2022-01-01", "gazette.txt"),
             cand("The plant employs 300 workers.", "2020-03-03", "courier.txt"),
             cand("Output doubled in March 2021.", "2021-12-01", "times.txt"),
             cand("Sales rose in January 2021.", "2021-12-01", "acme.txt"),
             cand("The plant hired again.", "2021-06-14", "herald.txt")]
    entries = timeline_entries(cands, [0.9] * len(cands), 0.4)
    # a year opens its span: before the month and the days in it, whatever their sources' names
    assert [(e.date, e.source) for e in entries] == [
        ("2020-03-03", "courier.txt"), ("2021", "gazette.txt"), ("2021-01", "acme.txt"), ("2021-03", "times.txt"),
        ("2021-06-14", "herald.txt"), ("2021-06-14", "ledger.txt"), ("2022", "post.txt")]


def test_an_entry_points_at_its_sentence_and_names_its_article():
    entry = timeline_entries([cand("The plant employs 300 workers.", "2020-03-03", "courier.txt", start=57)], [0.9], 0.4)[0]
    assert (entry.text, entry.start, entry.end) == ("The plant employs 300 workers.", 57, 87)
    assert (entry.source, entry.title, entry.publisher) == ("courier.txt", "Title of courier.txt", "Wire")


def test_a_syndicated_copy_of_a_sentence_is_listed_once():
    text = "The plant employs 300 workers."
    entries = timeline_entries([cand(text, "2020-03-03", "b.txt"), cand(text, "2020-03-03", "a.txt")], [0.9, 0.9], 0.4)
    assert [e.source for e in entries] == ["a.txt"]


def test_the_date_range_keeps_entries_whose_whole_date_lies_in_it():
    cands = [cand("A.", "2020-03-03"), cand("B happened.", "2021", "b.txt"), cand("C happened.", "2021-07-01", "c.txt"),
             cand("D happened.", "2022-02-02", "d.txt")]
    entries = timeline_entries(cands, [0.9] * 4, 0.4)
    assert [e.date for e in within(entries, Filters(date_from="2021"))] == ["2021", "2021-07-01", "2022-02-02"]
    assert [e.date for e in within(entries, Filters(date_from="2021-06", date_to="2021"))] == ["2021-07-01"]
    assert [e.date for e in within(entries, None)] == ["2020-03-03", "2021", "2021-07-01", "2022-02-02"]


def test_the_web_table_shows_article_text_as_text():
    planted = '<img src=x onerror="alert(1)"> **bold** [link](http://evil.test) in 2020.'
    html = timeline_html("plant <b>", timeline_entries([cand(planted, None, "<x>.txt")], [0.9], 0.4))
    assert "<img" not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "<b>" not in html and "&lt;x&gt;.txt" in html and "2020" in html


def test_the_terminal_shows_one_entry_a_line():
    entry = TimelineEntry("2021-06-14", "The plant now employs\n   450 workers.", "ledger.txt", "Plant grows", "Northern Ledger", 0, 38)
    assert line(entry) == "2021-06-14  Northern Ledger  The plant now employs 450 workers.  [ledger.txt]"
    assert line(TimelineEntry("2021", "Orders grew.", "x.txt", "X", None, 0, 12)) == "2021  Orders grew.  [x.txt]"
