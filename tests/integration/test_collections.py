"""Article collections (.jsonl, .csv) with the real model and Chroma: rows as articles named FILE#ID,
answers citing a row (title, date, outlet, url, offsets), re-ingest row by row, the CLI's refusals,
--fields, and the web chat's upload box."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import invoke, make_rag

from rag.errors import InputError
from rag.service.render import answer_text

BRIDGE = {"id": "a17", "headline": "Orrin Falls opens its new bridge", "published_at": "2021-06-14T08:00:00Z",
          "source": {"id": None, "name": "Valley Courier"}, "url": "https://courier.example/2021/bridge",
          "body": "The new bridge over the Orrin river carries 4,000 cars a day, the mayor of Orrin Falls said on "
                  "Monday.\nIt cost 12 million dollars and took two years to build."}
MINE = {"id": "b2", "headline": "Kessel mine output rises", "published_at": "last spring", "source": "Orrin Ledger",
        "body": "The Kessel copper mine produced 47,800 tonnes of copper last year, its owners said."}
HARBOUR = {"id": "c9", "headline": "Harbour dredging ends", "published_at": "2020-03-02", "source": "Harbor Gazette",
           "url": "javascript:alert(document.cookie)",
           "body": "Dredgers removed 90,000 cubic metres of silt from the Marston harbour this winter."}
NEWS = [BRIDGE, "{\"id\": \"x1\", \"body\": ", MINE, {"id": "e5", "headline": "No text", "body": ""}, HARBOUR]
WIRE = ("headline,story,published,outlet,link\n"
        "Ferry resumes to Kessel island,\"The ferry to Kessel island carries 240 passengers a trip, the operator "
        "said.\",2022-05-06,Northwire,https://wire.example/ferry\n"
        "Broken row,,2022-05-07,Northwire,\n"
        "Lighthouse restored,\"Volunteers of the Marston Trust have restored the old lighthouse on Cape Orrin.\","
        "2019,Northwire,https://wire.example/lighthouse\n")
BRIDGE_Q = "How many cars a day does the new bridge over the Orrin river carry?"


def write_news(folder: Path, rows=NEWS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "news.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """news.jsonl (ids, a broken line, an empty text, an unreadable date) and wire.csv (no ids, a column
    named `story`) ingested once; tests here only read it."""
    where = tmp_path_factory.mktemp("collections")
    news = write_news(where / "data")
    (where / "data" / "wire.csv").write_text(WIRE)
    rag = make_rag(where / "index", collection_fields="text=story")
    report = rag.ingest([where / "data"])
    return rag, report, news


def test_every_row_is_an_article_and_every_broken_row_is_named(indexed):
    rag, report, news = indexed
    assert sorted(report.added) == ["news.jsonl#a17", "news.jsonl#b2", "news.jsonl#c9", "wire.csv#1", "wire.csv#3"]
    wire = news.parent / "wire.csv"
    assert report.failed == [(f"{news}:2", "not valid JSON (Expecting value)"),
                             (f"{news}:4", "field 'body' (its text) is empty or not text"),
                             (f"{wire}:3", "field 'story' (its text) is empty or not text")]
    assert ("note", f"{news}: 1 row with a date that cannot be read: kept undated") in report.notes()
    mine = rag.article("news.jsonl#b2")
    assert (mine.date, mine.publisher, mine.url) == (None, "Orrin Ledger", None)
    assert [a.source for a in rag.articles()] == sorted(report.added)


def test_an_answer_cites_the_row_with_its_title_date_outlet_url_and_offsets(indexed):
    rag = indexed[0]
    answer = rag.ask(BRIDGE_Q)
    cited = answer.citations[0]
    assert "4,000 cars" in answer.text and cited.source == "news.jsonl#a17"
    assert (cited.title, cited.date, cited.publisher, cited.url) == (
        "Orrin Falls opens its new bridge", "2021-06-14", "Valley Courier", "https://courier.example/2021/bridge")
    article = rag.article("news.jsonl#a17")
    assert article.text[cited.start:cited.end] == cited.quote and "4,000 cars a day" in cited.quote
    assert "(news.jsonl#a17) <https://courier.example/2021/bridge>" in answer_text(answer)
    ferry = rag.ask("How many passengers does the ferry to Kessel island carry a trip?").citations[0]
    assert (ferry.source, ferry.date, ferry.publisher, ferry.url) == ("wire.csv#1", "2022-05-06", "Northwire",
                                                                     "https://wire.example/ferry")


def test_reingest_unchanged_embeds_nothing_then_one_row_changes_and_one_goes(tmp_path):
    news = write_news(tmp_path / "data")
    rag = make_rag(tmp_path / "index")
    rag.ingest([news])
    again = rag.ingest([news])
    assert (again.chunks_embedded, sorted(again.unchanged), again.added, again.updated) == (
        0, ["news.jsonl#a17", "news.jsonl#b2", "news.jsonl#c9"], [], [])
    stale = {c.id for c in rag.index.chunks_of("news.jsonl#a17")}
    write_news(tmp_path / "data", [{**BRIDGE, "body": BRIDGE["body"].replace("4,000", "5,500")}, MINE])
    changed = rag.ingest([news])
    assert (changed.updated, changed.unchanged, changed.pruned) == (["news.jsonl#a17"], ["news.jsonl#b2"], ["news.jsonl#c9"])
    assert changed.chunks_embedded >= 1 and not stale & {c.id for c in rag.index.chunks_of("news.jsonl#a17")}
    assert rag.index.chunks_of("news.jsonl#c9") == [] and rag.stats()["documents"] == 2
    assert "5,500" in rag.ask(BRIDGE_Q).text


def test_no_room_for_the_rows_is_refused_before_writing(tmp_path, monkeypatch):
    rag = make_rag(tmp_path / "index")
    rag.ingest([write_news(tmp_path / "data", [BRIDGE])])
    before = (rag.index.counts(), [(a.source, a.content_hash) for a in rag.articles()])
    free = shutil.disk_usage(tmp_path)._replace(free=5_000)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: free)  # the disk, as the OS would report a full one
    write_news(tmp_path / "data", [BRIDGE, MINE, HARBOUR])
    with pytest.raises(InputError, match=r"news.jsonl: 2 new or changed rows need about \d\d.\d kB of index, more than "
                                         r"the 5.0 kB free on the disk that holds it"):
        rag.ingest([tmp_path / "data" / "news.jsonl"])
    assert (rag.index.counts(), [(a.source, a.content_hash) for a in rag.articles()]) == before


def test_the_cli_refuses_bad_collections_in_one_line_and_reads_columns_given_by_fields(env):
    (env / "empty.jsonl").write_text("\n")
    result = invoke("ingest", env / "empty.jsonl")
    assert result.exit_code == 2 and result.stderr.strip() == f"error: {env / 'empty.jsonl'}: an empty collection: no rows"
    sheet = env / "wire.csv"
    sheet.write_text(WIRE)
    result = invoke("ingest", sheet)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "no text column (looked for text, content, body, article, maintext; its columns: headline, story, " \
           "published, outlet, link): name it with --fields text=COLUMN" in result.stderr
    assert not (env / "index").exists() or json.loads(invoke("stats", "--json").stdout)["documents"] == 0
    bad = invoke("ingest", sheet, "--fields", "story")
    assert bad.exit_code == 2 and "--fields: 'story' is not FIELD=COLUMN" in bad.stderr
    result = invoke("ingest", sheet, "--fields", "text=story,title=headline")
    assert result.exit_code == 1 and f"{sheet}:3: field 'story' (its text) is empty" in result.stderr
    assert "2 added" in result.stdout
    shown = json.loads(invoke("show", "wire.csv#3", "--json").stdout)
    assert (shown["title"], shown["date"], shown["url"]) == ("Lighthouse restored", "2019", "https://wire.example/lighthouse")
    assert "wire.csv#1" in invoke("articles").stdout
    record = json.loads(invoke("ask", "How many passengers does the ferry to Kessel island carry a trip?", "--json").stdout)
    assert record["citations"][0]["url"] == "https://wire.example/ferry" and record["citations"][0]["source"] == "wire.csv#1"


def test_re_index_and_rebuild_read_a_collection_with_the_fields_it_was_ingested_with(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "wire.csv").write_text(WIRE)
    rag = make_rag(tmp_path / "index")
    assert len(rag.ingest([tmp_path / "data" / "wire.csv"], fields={"text": "story"}).added) == 2
    again = rag.reindex()  # the web chat's Re-index: the folder, with no --fields
    assert (sorted(again.unchanged), again.pruned, again.added) == (["wire.csv#1", "wire.csv#3"], [], [])
    rebuilt = rag.ingest([tmp_path / "data"], rebuild=True)  # as `rag doctor --repair` rebuilds
    assert sorted(rebuilt.added) == ["wire.csv#1", "wire.csv#3"] and rag.stats()["documents"] == 2


def test_a_collection_uploaded_in_the_web_chat_is_indexed_and_its_url_shown_safely(tmp_path):
    from gradio_client import Client
    from helpers import web_chat
    from test_web import fetch, serve, upload_request

    make_rag(tmp_path / "index").ingest([write_news(tmp_path / "seed", [MINE])])
    demo, url = serve(index_dir=tmp_path / "index", upload_dir=tmp_path / "uploads")
    try:
        data = (json.dumps(BRIDGE) + "\n" + json.dumps(HARBOUR) + "\n{broken\n").encode()
        uploads = (("archive.jsonl", data), ("questions.jsonl", b'{"question": "Who?"}\n'), ("empty.csv", b"id,text\n"))
        files = [{"path": json.loads(fetch(upload_request(url, name, body))[1])[0], "orig_name": name,
                  "meta": {"_type": "gradio.FileData"}} for name, body in uploads]
        status = Client(url, verbose=False).predict(files, api_name="/index")[1]
        assert "Indexed: archive.jsonl (2 rows)" in status and "archive.jsonl:3: not valid JSON" in status
        assert "questions.jsonl: no text field (looked for text, content" in status
        assert "empty.csv: an empty collection: no rows" in status
        assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["archive.jsonl"]  # refused: not kept
        html = web_chat(url, BRIDGE_Q)
        assert "archive.jsonl#a17" in html and ('<a href="https://courier.example/2021/bridge" target="_blank" '
                                                'rel="noopener noreferrer nofollow"') in html
        harbour = web_chat(url, "How much silt did dredgers remove from the Marston harbour?")
        assert "archive.jsonl#c9" in harbour and "javascript:alert(document.cookie)" in harbour
        assert 'href="javascript' not in harbour
    finally:
        demo.close()
