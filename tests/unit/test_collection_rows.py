"""Article collections read a row at a time (rag/ingest/collections.py, rowfields.py): what each row
gives, under which names, and every way a row or a whole file can be unusable."""

from __future__ import annotations

import csv
import inspect
import io
import json
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.errors import ConfigError
from rag.ingest.collect import survey
from rag.ingest.collections import LINE_BYTES, read_rows, row_of, rows_in
from rag.ingest.rowfields import FIELD_CHARS, Row, RowFailure
from rag.lexicon.dates import read_date
from rag.settings import field_map, load_settings


def jsonl(*rows) -> io.BytesIO:
    return io.BytesIO("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows).encode())


def csv_bytes(header, *rows) -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return io.BytesIO(out.getvalue().encode())


# Values as a news export holds them: any text, quotes, commas, line breaks, non-Latin letters.
values = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00") | st.sampled_from(
    list('",\n\r;é—')), max_size=80)
texts = values.filter(lambda v: v.strip())
ids = st.text(st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_categories=("Cc",)), min_size=1, max_size=12)
SPELLINGS = {"title": ["title", "Headline"], "date": ["published_at", "publishedAt", "pubDate", "date"],
             "outlet": ["source", "Publisher", "site"], "url": ["url", "link"], "text": ["body", "content", "maintext"]}
articles = st.fixed_dictionaries({"text": texts}, optional={"title": values, "date": values, "outlet": values,
                                                             "url": values})


def expected(article: dict) -> dict:
    """What a Row keeps of a value: stripped, and None when nothing is left."""
    return {k: (v.strip() or None) for k, v in article.items()}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(articles, st.none() | ids), min_size=1, max_size=8, unique_by=lambda t: t[1] or ""),
       st.data())
def test_every_row_reads_back_as_written_in_jsonl_and_csv(rows, data):
    spelled = {field: data.draw(st.sampled_from(names)) for field, names in SPELLINGS.items()}
    objects = [{**({"id": i} if i else {}), **{spelled[k]: v for k, v in a.items()}} for a, i in rows]
    got = list(read_rows(jsonl(*objects), "jsonl"))
    assert [g.line for g in got] == list(range(1, len(rows) + 1))  # one JSON object a line, numbered from 1
    for g, (article, given_id) in zip(got, rows):
        assert isinstance(g, Row) and g.id == (given_id.strip() if given_id and given_id.strip() else str(g.line))
        assert {k: getattr(g, k) for k in article} == expected(article)
    header = ["id", *(spelled[f] for f in ("title", "date", "outlet", "url", "text"))]
    table = [[i or "", *(a.get(f, "") for f in ("title", "date", "outlet", "url", "text"))] for a, i in rows]
    from_csv = [r for r in read_rows(csv_bytes(header, *table), "csv")]
    for n, (g, (article, given_id)) in enumerate(zip(from_csv, rows), 1):
        assert isinstance(g, Row) and g.id == (given_id.strip() if given_id and given_id.strip() else str(n))
        assert {k: getattr(g, k) for k in article} == expected(article)
    assert [g.digest for g in got] == [g.digest for g in from_csv]  # one content, one hash, whatever the format


def test_the_common_names_and_a_field_map():
    row = next(read_rows(jsonl({"_id": {"$oid": "5f1"}, "Headline": "Bridge opens", "publishedAt": "2021-06-14",
                                "source": {"id": None, "name": "Valley Courier"}, "link": "https://c.example/b",
                                "content": ["First paragraph.", "Second paragraph."]}), "jsonl"))
    assert row == Row(1, "5f1", "First paragraph.\n\nSecond paragraph.", "Bridge opens", "2021-06-14",
                      "Valley Courier", "https://c.example/b")
    mapped = {"title": "head", "text": "story", "outlet": "paper", "id": "key"}
    row = next(read_rows(jsonl({"key": 9, "head": "H", "story": "S.", "paper": "P", "text": "not this"}), "jsonl", mapped))
    assert (row.id, row.title, row.text, row.outlet) == ("9", "H", "S.", "P")
    both = next(read_rows(jsonl({"text": "the text", "content": "the content"}), "jsonl"))
    assert both.text == "the text"  # `text` before `content`: the order of ALIASES


def test_field_maps_are_checked_where_they_are_written(monkeypatch):
    assert field_map("title=headline, Text = body,publisher=paper") == {"title": "headline", "text": "body", "outlet": "paper"}
    with pytest.raises(ValueError, match=r"unknown field 'titel' in 'titel=headline': use id, title, date, outlet, url, text"):
        field_map("titel=headline")
    with pytest.raises(ValueError, match=r"'text' is not FIELD=COLUMN"):
        field_map("text")
    monkeypatch.setenv("RAG_COLLECTION_FIELDS", "body")
    with pytest.raises(ConfigError, match=r"RAG_COLLECTION_FIELDS: .*'body' is not FIELD=COLUMN"):
        load_settings()


def test_broken_rows_are_named_by_line_and_the_rest_read():
    rows = list(read_rows(jsonl({"id": "a", "text": "Fine."}, "{not json", "[1, 2]", {"id": "b", "title": "no text"},
                                {"id": "c", "body": "   "}, "", {"id": "d", "text": "Also fine."}), "jsonl"))
    assert [(r.line, type(r).__name__) for r in rows] == [(1, "Row"), (2, "RowFailure"), (3, "RowFailure"),
                                                          (4, "RowFailure"), (5, "RowFailure"), (7, "Row")]
    assert rows[1].reason.startswith("not valid JSON") and rows[2].reason == "not a JSON object (a list)"
    assert rows[3].kind == "no-text" and "its fields: id, title" in rows[3].reason and "--fields text=FIELD" in rows[3].reason
    assert rows[4].reason == "field 'body' (its text) is empty or not text" and rows[4].id == "c"


def test_a_field_over_the_limit_is_refused_by_name_and_not_kept():
    big = "x" * 10_000_000  # 10 MB
    got = list(read_rows(jsonl({"id": "a", "text": big}, {"id": "b", "text": "After."}), "jsonl"))
    assert got[0] == RowFailure(1, f"field 'text' is 10,000,000 characters, over the {FIELD_CHARS:,} a field may hold", "a")
    assert got[1].text == "After."
    data = b'id,text\n1,"' + big.encode() + b'\nstill the same field"\n2,After.\n'
    got = list(read_rows(io.BytesIO(data), "csv"))
    assert got[0] == RowFailure(2, f"cannot read this CSV row (a field over {FIELD_CHARS:,} characters, the most a "
                                   "field may hold)", "1")
    assert got[1:] == [Row(4, "2", "After.")]  # the quoted field's other line is skipped with it, not read as a row


def test_a_long_field_within_the_limit_is_read_in_csv_too():
    long = "A long read. " * 20_000  # 260,000 characters: past the csv module's own default limit of 131,072
    assert next(read_rows(csv_bytes(["id", "text"], ["1", long]), "csv")) == Row(2, "1", long.strip())


def test_an_id_that_names_nothing_is_refused():
    rows = list(read_rows(jsonl({"id": "a\nb", "text": "T"}, {"id": "x" * 201, "text": "T"}, {"id": " ", "text": "T"}), "jsonl"))
    assert [type(r).__name__ for r in rows] == ["RowFailure", "RowFailure", "Row"]
    assert rows[0].reason == "field 'id' is no usable id (over 200 characters, or control characters)"
    assert rows[2].id == "3"  # an empty id: the row's number


def test_a_line_over_the_line_limit_is_skipped_unread():
    data = b'{"id": "a", "text": "' + b"y" * (LINE_BYTES + 10) + b'"}\n{"id": "b", "text": "After."}\n'
    got = list(read_rows(io.BytesIO(data), "jsonl"))
    assert got == [RowFailure(1, f"a line over {LINE_BYTES:,} bytes, not read", "1"), Row(2, "b", "After.")]


def test_csv_rows_are_numbered_under_the_header_and_a_broken_one_keeps_its_number():
    data = '\ufeffTitle,Body,Date\nOne,"Line one\n""quoted"" line two",2020\n\nTwo,Second.,\nThree,"\udcff",x\nFour,Fourth.,2021\n'
    raw = data.encode("utf-8", "surrogateescape")  # row Three holds a byte that is not UTF-8
    got = list(read_rows(io.BytesIO(raw), "csv"))
    assert got[0] == Row(2, "1", 'Line one\n"quoted" line two', "One", "2020")
    assert got[1] == Row(5, "2", "Second.", "Two")  # the blank line is no row
    assert isinstance(got[2], RowFailure) and got[2].line == 6 and got[2].id == "3" and "not UTF-8" in got[2].reason
    assert got[3] == Row(7, "4", "Fourth.", "Four", "2021")  # row 4 whatever happened to row 3


def test_a_whole_collection_that_cannot_be_one_says_why():
    assert survey(read_rows(io.BytesIO(b""), "jsonl")).problem == "an empty collection: no rows"
    assert survey(read_rows(io.BytesIO(b"\n \n"), "jsonl")).kind == "empty"
    assert survey(read_rows(io.BytesIO(b"id,text\n"), "csv")).kind == "empty"  # a header and no row
    no_text = survey(read_rows(csv_bytes(["id", "headline", "summary"], ["1", "H", "S"]), "csv"))
    assert no_text.kind == "no-text" and no_text.problem == (
        "no text column (looked for text, content, body, article, maintext; its columns: id, headline, summary): "
        "name it with --fields text=COLUMN")
    assert survey(read_rows(jsonl({"question": "q?"}, {"question": "r?"}), "jsonl")).kind == "no-text"
    assert survey(read_rows(jsonl("{bad", {"text": "ok"}), "jsonl")).problem is None  # a bad row is the row's problem
    counted = survey(read_rows(jsonl({"id": "a", "text": "T", "date": "someday"}, {"id": "b", "text": "U", "date": "2020"},
                                     "{bad"), "jsonl"), lambda i: {"a": "stale"}.get(i))
    assert (counted.rows, counted.failed, counted.new_rows, counted.new_chars, counted.undated) == (2, 1, 2, 2, 1)


def test_rows_stream_in_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w") as fh:
        for n in range(50_000):
            fh.write(json.dumps({"id": f"r{n}", "title": f"Story {n}", "text": f"Row {n} says something. " * 8}) + "\n")
    assert path.stat().st_size > 10_000_000
    rows = rows_in(path)
    assert inspect.isgenerator(rows)
    tracemalloc.start()
    count = sum(1 for _ in rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 50_000 and peak < 1_000_000  # a few rows at a time, never the file's 10 MB


def test_a_row_name_is_split_back_into_its_collection_and_id():
    assert row_of("news.jsonl#a17") == ("news.jsonl", "a17")
    assert row_of("2021/Wire.CSV#12") == ("2021/Wire.CSV", "12")
    assert row_of("notes#1.csv#5") == ("notes#1.csv", "5") and row_of("a.jsonl#x#y") == ("a.jsonl", "x#y")
    assert row_of("story.txt") is None and row_of("news.jsonl") is None


@pytest.mark.parametrize("value, iso", [
    ("2021", "2021"), ("2021-06", "2021-06"), ("2021-06-14T09:30:00Z", "2021-06-14"), ("2021/6/14", "2021-06-14"),
    ("1623663000", "2021-06-14"), ("1623663000000", "2021-06-14"), ("Mon, 14 Jun 2021 09:30:00 GMT", "2021-06-14"),
    ("June 14, 2021", "2021-06-14"), ("14/06/2021", None), ("06/14/2021", None), ("soon", None), ("2021-02-30", None)])
def test_a_date_field_is_read_as_written_or_not_at_all(value, iso):
    when = read_date(value)
    assert (when.iso if when else None) == iso
