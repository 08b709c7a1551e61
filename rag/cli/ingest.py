"""`rag ingest`: files, folders and article collections into the index, here or in parts on a Chroma server."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.markup import escape

from rag.cli.common import ConfigOpt, _progress, _rag, echo, friendly, say, terminal_safe
from rag.errors import InputError
from rag.ingest.parts import parse_part
from rag.ingest.readers import listing
from rag.settings import field_map, load_settings


@friendly
def ingest(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help=f"Files or folders ({listing()}), searched recursively. "
                                            "`rag plugins` lists the readers (a package can add one).")],
    prune: Annotated[bool, typer.Option(metavar="", help="Remove indexed articles whose files are gone from these folders.")] = False,
    rebuild: Annotated[bool, typer.Option(metavar="", help="Drop the index and build it again (after changing model or chunking).")] = False,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Follow symbolic links inside the folders "
                                                  "when they lead to files or folders inside the PATHs named (refused otherwise).")] = False,
    fields: Annotated[Optional[str], typer.Option(
        "--fields", metavar="FIELD=COLUMN,...", help="Columns of article collections (.jsonl .csv) under other names: "
        "fields id, title, date, outlet, url, text (e.g. title=headline,text=body); adds to the setting "
        "collection_fields.")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", metavar="N", min=1, max=64, help="Ingest in N processes on this machine, each writing its "
        "part to the Chroma server (chroma_url); not for a local index.")] = None,
    part: Annotated[Optional[str], typer.Option(
        "--part", metavar="K/N", help="Ingest only part K of N (by a hash of each article's name), to the Chroma "
        "server: run parts 1/N … N/N on N machines at once. Pruning prunes only this part's articles.")] = None,
    config: ConfigOpt = None,
) -> None:
    """Index articles from files or folders (.txt .md .html .pdf, collections of articles in .jsonl and .csv, and any type a reader plug-in adds).

    Unchanged files are skipped; changed ones replace their old chunks; files that cannot be read are named with the reason and the rest are indexed. A collection holds one article a row, named FILE#ID; its unchanged rows are skipped and the rows it no longer holds are removed. Symbolic links inside the folders are named and skipped unless --follow-symlinks (a PATH named that is a link is followed).

    Example: rag ingest corpus/ ~/news/2021 --prune; rag ingest archive.csv --fields text=body

    On a Chroma server: RAG_CHROMA_URL=http://127.0.0.1:8000 rag ingest archive.jsonl --workers 4"""
    try:
        columns = field_map(fields or "")
    except ValueError as exc:
        raise InputError(f"--fields: {exc}") from None
    share = _share(config, workers, part)
    with _Bar() as bar:  # drawn from the first file read on: a refusal before that is its one line
        report = share(paths, prune=prune, rebuild=rebuild, follow_links=follow_symlinks, fields=columns,
                       on_start=lambda n: bar.update(total=n),
                       reading=lambda src: bar.update(item=f"reading {escape(terminal_safe(src))}"),
                       progress=lambda src: bar.update(advance=1, item=escape(terminal_safe(src))))
    for kind, line in report.notes():
        say(f"[red]{kind}:[/red] " if kind == "failed" else f"{kind}: ", line)
    echo(report.summary())
    if report.failed:
        raise typer.Exit(1)


def _share(config: Path | None, workers: int | None, part: str | None):
    """The ingest to run: the whole of it here, one part (--part), or every part in workers (--workers)."""
    from rag.service.workers import ingest_in_workers  # imports the service: not for `rag --help`

    if workers and part:
        raise InputError("--workers and --part: give one (--workers N runs parts 1/N … N/N on this machine)")
    if workers:
        settings = load_settings(config)
        return lambda paths, fields, reading, **kw: ingest_in_workers(settings, paths, workers, fields_map=fields, **kw)
    rag = _rag(config)
    return partial(rag.ingest, part=parse_part(part, "--part")) if part else rag.ingest


class _Bar:
    """The ingest's progress bar, shown from its first update on."""

    def __init__(self) -> None:
        self.progress, self.task = _progress(), None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def update(self, **change) -> None:
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("ingesting", total=None, item="")
        self.progress.update(self.task, **change)
