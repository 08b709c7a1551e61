"""`rag timeline`: the dated facts about a topic across the articles, oldest first, each with the
sentence that states it and its source (rag.service.timeline finds them)."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.cli.common import ConfigOpt, _rag, echo, echo_json, friendly
from rag.records import Filters, TimelineEntry, timeline_record

# The options `rag ask` has, said of entries: here the range keeps entries by their own date (rag.cli.main
# cannot be imported from here: it imports this module to register the command).
PublisherOpt = Annotated[list[str] | None, typer.Option(
    "--publisher", metavar="OUTLET", help="Only articles of this outlet (repeatable): any spelling, a short name (AP) or its first words (Yonhap).")]
SinceOpt = Annotated[str | None, typer.Option(metavar="DATE", help="Only entries dated on or after YYYY[-MM[-DD]].")]
UntilOpt = Annotated[str | None, typer.Option(metavar="DATE", help="Only entries dated on or before YYYY[-MM[-DD]].")]
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help='Print {"topic", "entries": [{date, text, source, title, publisher}]}.')]


@friendly
def timeline(
    topic: Annotated[str, typer.Argument(metavar="TOPIC", help="What the timeline is about, in quotes.")],
    as_json: JsonOpt = False, since: SinceOpt = None, until: UntilOpt = None, publisher: PublisherOpt = None,
    config: ConfigOpt = None,
) -> None:
    """List the dated facts about a topic across the articles, oldest first, each with its source.

    Each entry is one sentence about the topic, dated by the date or year it writes ("on Wednesday" is read against its article's date), else by its article's date; a sentence with neither is left out. Each line holds the date, the outlet, the sentence and its file (`rag show FILE` prints the article).

    Example: rag timeline "Russian troops in Tajikistan" --since 2017 --publisher TASS"""
    rag = _rag(config)
    entries = rag.timeline(topic, Filters(publishers=tuple(publisher or ()), date_from=since, date_to=until))
    if as_json:
        echo_json(timeline_record(topic, entries))
        return
    for entry in entries:
        echo(line(entry))


def line(entry: TimelineEntry) -> str:
    """One entry on one line: a sentence that ran over lines in its article is joined."""
    return "  ".join(x for x in (entry.date, entry.publisher, " ".join(entry.text.split()), f"[{entry.source}]") if x)

