"""`rag articles` and `rag show`: what the index holds, article by article, and one article's
cleaned text, the text that citation offsets point into. Neither loads the embedding model."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.cli.common import ConfigOpt, _rag, echo, echo_json, friendly, say
from rag.lexicon.dates import human_date, precision_of
from rag.lexicon.outlets import outlet
from rag.records import ArticleSummary

JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="Print JSON (dates as ISO 8601, with their precision).")]
COLUMNS = ("file", "date", "outlet", "chunks", "title")


@friendly
def articles(as_json: JsonOpt = False, config: ConfigOpt = None) -> None:
    """List the indexed articles: file, date, outlet, chunks and title.

    The outlet is the one its spelling names ("Itar-Tass" and "ITAR TASS" are TASS), as --publisher reads it; `rag show FILE` prints an article.

    Example: rag articles --json"""
    rag = _rag(config)
    rag.check_index()
    rows = rag.catalog()
    if as_json:
        echo_json([_summary(r) for r in rows])
        return
    for line in _table([(r.source, human_date(r.date), r.outlet, str(r.chunks), r.title) for r in rows]):
        echo(line)
    say("", f"{len(rows)} article{'' if len(rows) == 1 else 's'}; `rag show FILE` prints one")


def _summary(r: ArticleSummary) -> dict:
    return {"source": r.source, "title": r.title, "outlet": r.outlet or None, "publisher": r.publisher or None,
            "date": r.date or None, "date_precision": precision_of(r.date), "chunks": r.chunks}


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Aligned columns under a header; the title, last, is never cut."""
    rows = [COLUMNS, *rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    return ["  ".join([*(c.rjust(w) if i == 3 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))),
                       row[-1]]) for row in rows]


@friendly
def show(
    article: Annotated[str, typer.Argument(metavar="ARTICLE", help="The article's file as `rag articles` "
                                           "lists it, a collection's row as FILE#ID (the path you ingested it from works too).")],
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print its metadata and `text` as JSON.")] = False,
    config: ConfigOpt = None,
) -> None:
    """Print one article's cleaned text, after its title, outlet, date and file.

    This is the text citations quote: the start and end of each citation in `rag ask --json` are character offsets into the `text` of `rag show --json`.

    Example: rag show 003_daad56808568b6dc.txt"""
    rag = _rag(config)
    rag.check_index()
    found = rag.find_article(article)
    record = {"source": found.source, "title": found.title, "outlet": outlet(found.publisher, rag.aliases) or None,
              "publisher": found.publisher, "date": found.date, "date_precision": precision_of(found.date),
              "url": found.url, "text": found.text}
    if as_json:
        echo_json(record)
        return
    echo(found.title)
    echo(" · ".join(x for x in (record["outlet"], human_date(found.date), found.source, found.url) if x) + "\n")
    echo(found.text)
