"""A collection's rows through the ingest, in memory (the hashing embedder): names, re-ingest row by
row, pruning only that collection's rows, copies, broken rows keeping what was indexed, and the checks
made before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes import HashEmbedder, memory_rag

from rag.errors import InputError
from rag.index.memory import MemoryIndex
from rag.ingest.ahead import parse_ahead
from rag.ingest.collect import RowOptions
from rag.ingest.load import SourceFile
from rag.ingest.pipeline import ingest_paths
from rag.ingest.uploads import ingest_uploads

ROWS = [
    {"id": "a1", "title": "Bridge opens in Orrin Falls", "date": "2021-06-14", "publisher": "Valley Courier",
     "url": "https://courier.example/bridge", "body": "The bridge over the Orrin river carries 4,000 cars a day, the mayor said."},
    {"id": "a2", "title": "Mine output rises", "date": "sometime", "publisher": "Orrin Ledger",
     "body": "The Kessel mine produced 47,800 tonnes of copper in 2021."},
    {"id": "a3", "title": "Harbour dredged", "date": "2020-03", "body": "Dredgers removed 90,000 cubic metres of silt."},
]


def write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.fixture
def rag(tmp_path):
    return memory_rag(tmp_path)


def test_rows_are_articles_named_file_hash_id(rag, tmp_path):
    news = write(tmp_path / "news.jsonl", ROWS)
    report = rag.ingest([news])
    assert report.added == ["news.jsonl#a1", "news.jsonl#a2", "news.jsonl#a3"] and report.ok
    a1 = rag.article("news.jsonl#a1")
    assert (a1.title, a1.date, a1.date_precision, a1.publisher, a1.url, a1.root) == (
        "Bridge opens in Orrin Falls", "2021-06-14", "day", "Valley Courier", "https://courier.example/bridge", str(tmp_path))
    assert a1.text == "Bridge opens in Orrin Falls\n\n" + ROWS[0]["body"]  # under its title, as a file's under its headline
    assert rag.article("news.jsonl#a2").date is None  # a date that cannot be read: kept undated, and said
    assert ("note", f"{news}: 1 row with a date that cannot be read: kept undated") in report.notes()
    assert rag.article("news.jsonl#a3").date == "2020-03"
    assert rag.find_article(f"{news}#a3").source == "news.jsonl#a3"  # the path ingested, then #ID
    cited = rag.ask("How many cars a day does the bridge over the Orrin river carry?").citations[0]
    assert (cited.source, cited.url, cited.publisher) == ("news.jsonl#a1", a1.url, "Valley Courier")


def test_collections_are_never_read_whole_ahead_of_the_lock(tmp_path):
    news = write(tmp_path / "news.jsonl", ROWS)
    story = tmp_path / "story.txt"
    story.write_text("Ferry resumes\n\nThe ferry runs again.")
    ahead = parse_ahead([SourceFile(news, tmp_path), SourceFile(story, tmp_path)], {}, 10**6)
    assert list(ahead.hashes) == [story] and len(ahead.parsed) == 1


def test_reingest_is_per_row_and_prunes_only_that_collections_rows(rag, tmp_path):
    news = write(tmp_path / "news.jsonl", ROWS)
    (tmp_path / "story.txt").write_text("Ferry resumes\n\nThe ferry to Kessel island runs again from Monday.")
    rag.ingest([tmp_path])
    again = rag.ingest([tmp_path], prune=True)  # --prune must not take rows for files that are gone
    assert (again.chunks_embedded, sorted(again.unchanged), again.pruned) == (
        0, ["news.jsonl#a1", "news.jsonl#a2", "news.jsonl#a3", "story.txt"], [])
    changed = [ROWS[0], {**ROWS[1], "body": "The Kessel mine produced 51,000 tonnes of copper in 2022."}]
    write(news, changed)
    report = rag.ingest([news])
    assert (report.updated, report.pruned, report.unchanged) == (["news.jsonl#a2"], ["news.jsonl#a3"], ["news.jsonl#a1"])
    assert rag.article("news.jsonl#a3") is None and rag.index.chunks_of("news.jsonl#a3") == []
    assert "51,000" in rag.article("news.jsonl#a2").text and rag.article("story.txt") is not None
    news.unlink()
    gone = rag.ingest([tmp_path], prune=True)  # the collection is gone: with --prune, its rows go
    assert sorted(gone.pruned) == ["news.jsonl#a1", "news.jsonl#a2"] and rag.article("story.txt") is not None


def test_rows_without_ids_are_numbered_by_line_and_copies_are_indexed_once(rag, tmp_path):
    plain = [{k: v for k, v in r.items() if k != "id"} for r in ROWS]
    news = write(tmp_path / "plain.jsonl", [plain[0], "", plain[1], plain[0]])
    report = rag.ingest([news])
    assert report.added == ["plain.jsonl#1", "plain.jsonl#3"]
    assert report.duplicates == [("plain.jsonl#4", "plain.jsonl#1")]
    sheet = tmp_path / "wire.csv"
    sheet.write_text("headline,story\nFirst,The first story.\n\nSecond,The second story.\n")
    assert rag.ingest([sheet], fields={"text": "story"}).added == ["wire.csv#1", "wire.csv#2"]  # data rows, from 1


def test_a_broken_row_is_named_and_keeps_what_was_indexed(rag, tmp_path):
    news = write(tmp_path / "news.jsonl", ROWS)
    rag.ingest([news])
    write(news, [ROWS[0], {"id": "a2", "body": ""}, "{oops", ROWS[2], {**ROWS[2], "body": "Same id again."}])
    report = rag.ingest([news])
    assert report.failed == [(f"{news}:2", "field 'body' (its text) is empty or not text"),
                             (f"{news}:3", "not valid JSON (Expecting property name enclosed in double quotes)"),
                             (f"{news}:5", "its id 'a3' is an earlier row's too: ids must differ")]
    assert report.pruned == [] and rag.article("news.jsonl#a2") is not None  # its indexed version stays
    assert rag.article("news.jsonl#a3").text.endswith("silt.")


def test_bad_collections_are_refused_before_anything_is_written(rag, tmp_path):
    rag.ingest([write(tmp_path / "news.jsonl", ROWS)])
    before = rag.index.counts()
    empty = write(tmp_path / "empty.jsonl", [])
    with pytest.raises(InputError, match=rf"^{empty}: an empty collection: no rows$"):
        rag.ingest([empty, tmp_path / "news.jsonl"])
    table = tmp_path / "table.csv"
    table.write_text("year,value\n2020,3\n")
    with pytest.raises(InputError, match=r"table.csv: no text column \(.*its columns: year, value\): name it with --fields"):
        rag.ingest([table])
    assert rag.index.counts() == before


def test_in_a_folder_a_csv_that_is_no_collection_is_skipped_and_an_empty_one_failed(rag, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "table.csv").write_text("year,value\n2020,3\n")
    (folder / "empty.jsonl").write_text("")
    write(folder / "news.jsonl", ROWS)
    report = rag.ingest([folder])
    assert len(report.added) == 3 and report.failed == [(str(folder / "empty.jsonl"), "an empty collection: no rows")]
    assert report.not_collections == [(str(folder / "table.csv"), "no text column (looked for text, content, body, "
                                       "article, maintext; its columns: year, value): name it with --fields text=COLUMN")]


def test_rows_that_need_more_disk_than_is_left_are_refused_naming_the_sizes(tmp_path):
    index = MemoryIndex()
    news = write(tmp_path / "news.jsonl", ROWS)
    index.open({"m": 1}, create=True)
    with pytest.raises(InputError, match=r"news.jsonl: 3 new or changed rows need about 2\d.\d kB of index, more than the "
                                         r"1.0 kB free on the disk that holds it; free some space \(nothing was written\)"):
        ingest_paths([news], index, HashEmbedder(), 256, 20, 10**6, rows=RowOptions(room=1000))
    assert index.counts() == (0, 0)
    report = ingest_paths([news], index, HashEmbedder(), 256, 20, 10**6, rows=RowOptions(room=10**9))
    assert len(report.added) == 3
    again = ingest_paths([news], index, HashEmbedder(), 256, 20, 10**6, rows=RowOptions(room=1000))
    assert len(again.unchanged) == 3  # nothing new to write: no room needed


def test_a_collection_from_another_folder_does_not_take_the_rows_names(rag, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a" / "news.jsonl", ROWS)
    write(tmp_path / "b" / "news.jsonl", ROWS[:1])
    rag.ingest([tmp_path / "a"])
    report = rag.ingest([tmp_path / "b"])
    assert report.failed == [(str(tmp_path / "b" / "news.jsonl"), f"the rows of {tmp_path / 'a' / 'news.jsonl'} are "
                              "indexed as news.jsonl#…; rename this file, or move that one away and ingest this again")]
    assert rag.article("news.jsonl#a3") is not None


def test_an_uploaded_collection_never_takes_the_name_of_one_from_elsewhere(rag, tmp_path):
    rag.ingest([write(tmp_path / "news.jsonl", ROWS)])
    upload = write(tmp_path / "upload.tmp", [ROWS[0]])
    report = ingest_uploads(rag, [(upload, "news.jsonl")])
    assert report.indexed == ["news-2.jsonl (1 row)"] and report.refused == []
    assert rag.article("news-2.jsonl#a1") is not None and rag.article("news.jsonl#a3") is not None
    again = ingest_uploads(rag, [(upload, "news.jsonl")])
    assert (again.indexed, again.already) == ([], ["news.jsonl: 1 row, indexed already"])
