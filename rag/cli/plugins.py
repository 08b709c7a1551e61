"""`rag plugins`: the answerers, file readers and index backends there are, and who added each."""

from __future__ import annotations

from typing import Annotated

import typer

from rag.answer.answerers import ANSWERERS
from rag.cli.common import echo, friendly, say
from rag.index.backends import INDEXES
from rag.ingest.readers import READERS

REGISTRIES = (("answerer", ANSWERERS, "--llm, RAG_LLM"), ("reader", READERS, "file types"),
              ("index", INDEXES, "RAG_INDEX_BACKEND"))


def rows() -> list[tuple[str, str, str, str]]:
    """(kind, name, what it is, where it comes from) for every entry of every registry."""
    out = []
    for kind, registry, _ in REGISTRIES:
        for name, entry in registry.entries().items():
            suffixes = getattr(entry, "suffixes", ())
            what = entry.summary + (f" ({' '.join(suffixes)})" if suffixes else "")
            out.append((kind, name, what, registry.origin(name)))
    return out


def markdown_table() -> str:
    """The README's table of plug-in points (tests/unit/test_registries.py keeps the two equal)."""
    lines = ["| kind | name | what it is | from |", "|---|---|---|---|"]
    return "\n".join(lines + [f"| {k} | `{n}` | {w} | {o} |" for k, n, w, o in rows()])


@friendly
def plugins(markdown: Annotated[bool, typer.Option("--markdown", metavar="", help="Print a Markdown table.")] = False) -> None:
    """List the answerers, file readers and index backends, and the package that added each.

    A package adds one through a Python entry point (groups newsrag.answerers, newsrag.readers, newsrag.indexes); the README's "Plug-ins" shows a reader in 20 lines. A plug-in that fails to load is named here.

    Example: rag plugins"""
    if markdown:
        echo(markdown_table())
    else:
        for kind, name, what, origin in rows():
            echo(f"{kind:<9} {name:<11} {what}  [{origin}]")
    for _, registry, _ in REGISTRIES:
        for problem in registry.problems:
            say("[red]failed:[/red] ", problem)
