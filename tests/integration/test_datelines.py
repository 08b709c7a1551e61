"""Datelines and the lines news prints by a story, read from real files through the whole ingest:
the date and outlet of each article, and the year a citation then shows (issue 26, part 1)."""

from __future__ import annotations

from helpers import make_rag

STORIES = {
    "courier-2020.txt": "Valley plant takes on staff\n\nValley Courier, 3 March 2020\n\n"
                        "The Harlow valve plant employs 300 workers after a year of steady orders, its manager said.\n",
    "ledger-2021.txt": "Valve plant grows again\n\nBy Jane Smith | Northern Ledger | June 14, 2021\n\n"
                       "The Harlow valve plant now employs 450 workers, up from 300 a year earlier.\n",
    "talks.txt": "Trade talks begin\n\nDUSHANBE, April 24 (Itar-Tass) - Trade talks began in Dushanbe.\n\n"
                 "The talks, opened on April 24, 2012, were the first in a decade.\n",
}
PAGE = """<!DOCTYPE html>
<html><head><title>Seoul and Tokyo resume trade talks | Yonhap News Agency</title>
<meta property="article:published_time" content="2019-08-20T09:00:00+09:00">
<meta property="og:site_name" content="Yonhap News Agency"></head>
<body><article><h1>Seoul and Tokyo resume trade talks</h1>
<p>SEOUL, Aug. 20 (Yonhap) -- South Korea and Japan resumed working-level trade talks on Tuesday after a
pause of three months, officials said.</p>
<p>The talks in Seoul focused on export controls on chemicals used to make semiconductors, the trade
ministry said in a statement.</p>
<p>Both sides agreed to meet again next month in Tokyo to continue the discussion.</p>
</article></body></html>
"""


def test_each_article_takes_its_date_and_outlet_from_the_lines_by_its_story(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "yonhap.html").write_text(PAGE, encoding="utf-8")
    rag = make_rag(tmp_path / "index")
    assert len(rag.ingest([folder]).added) == 4
    got = {a.source: (a.date, a.date_precision, a.publisher) for a in rag.index.articles()}
    assert got == {
        "courier-2020.txt": ("2020-03-03", "day", "Valley Courier"),
        "ledger-2021.txt": ("2021-06-14", "day", "Northern Ledger"),
        "talks.txt": ("2012-04-24", "day", "Itar-Tass"),  # the year of the same day, written in full below
        "yonhap.html": ("2019-08-20", "day", "Yonhap News Agency"),  # the page's date, not "20 August"
    }
    answer = rag.ask("How many workers did the Harlow valve plant employ?")
    cited = {(c.source, c.date) for c in answer.citations}
    assert cited and cited <= {("courier-2020.txt", "2020-03-03"), ("ledger-2021.txt", "2021-06-14")}
