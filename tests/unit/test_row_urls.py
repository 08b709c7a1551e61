"""A collection row's url, from the index to what a reader sees: kept where there is one and absent
where there is none (an index written before urls reads as before), shown in the terminal, the JSON,
and on the web card as a link only to an http(s) address."""

from __future__ import annotations

import pytest

from rag.index.rows import article_from, hit_from, rows_of
from rag.records import Answer, Article, Chunk, Citation, answer_record
from rag.service.render import answer_markdown, describe_source
from rag.web.render import source_card, url_html

ROW = Article("news.jsonl#a17", "Bridge opens", "Bridge opens\n\nIt carries 4,000 cars.", "h", "2021-06-14", "day",
              "row", "Valley Courier", "/data", url="https://courier.example/bridge")
CHUNK = Chunk("c1", ROW.source, 0, ROW.text, 0, len(ROW.text))


def test_the_index_keeps_a_url_and_reads_rows_written_without_one():
    metas, record = rows_of(ROW, [CHUNK])
    assert metas[0]["url"] == record["url"] == "https://courier.example/bridge"
    assert article_from(ROW.source, record, ROW.text).url == ROW.url
    assert hit_from("c1", CHUNK.text, metas[0], 0.5).url == ROW.url
    plain = Article("story.txt", "Story", "Text.", "h2")
    metas, record = rows_of(plain, [Chunk("c2", "story.txt", 0, "Text.", 0, 5)])
    assert "url" not in record and "url" not in metas[0]  # a file's rows are as they were before urls
    assert article_from("story.txt", record, "Text.").url is None and hit_from("c2", "Text.", metas[0], 0.1).url is None


def cite(url: str | None) -> Citation:
    return Citation(1, ROW.source, ROW.title, ROW.date, ROW.publisher, "c1", "It carries 4,000 cars.", 14, 36, url=url)


def test_the_terminal_json_and_markdown_give_the_url():
    assert describe_source(cite(ROW.url)) == ("“Bridge opens” — Valley Courier, 14 June 2021 (news.jsonl#a17) "
                                              "<https://courier.example/bridge>")
    assert describe_source(cite(None)).endswith("(news.jsonl#a17)")
    answer = Answer("q", "a", False, citations=(cite(ROW.url),))
    assert answer_record(answer)["citations"][0]["url"] == ROW.url
    assert "https://courier.example/bridge" in answer_markdown(answer) and "](" not in answer_markdown(answer)


@pytest.mark.parametrize("url, linked", [
    ("https://courier.example/bridge?a=1&b=2", True), ("HTTP://Courier.example", True),
    ("javascript:alert(document.cookie)", False), ("data:text/html,<script>alert(1)</script>", False),
    ("//courier.example/x", False), ("javascript://courier.example/%0Aalert(1)", False), ("https://", False), ("http://[::1", False), ("https://a.example/ x", False),
    ('https://a.example/"onmouseover="alert(1)', True)])
def test_a_url_is_a_link_only_to_an_http_address_and_always_escaped(url, linked):
    shown = url_html(url)
    assert ("<a href=" in shown) == linked and "<script" not in shown and '"onmouseover' not in shown
    assert ('rel="noopener noreferrer nofollow"' in shown) == linked
    card = source_card(cite(url), 1, ROW.text, ())
    assert shown in card and card.count("<a ") == int(linked)
