"""What every `rag` command shares: one-line errors, the --config option, progress bars."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from rag.errors import RagError
from rag.settings import load_settings

err = Console(stderr=True, soft_wrap=True)  # errors stay on one line
FLAGS = {"date_from": "--since", "date_to": "--until", "top_k": "--top-k"}  # fields named as the user typed them
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="Settings file (default: ./rag.toml if present).")]


def friendly(fn):
    """Turn RagError into a one-line message and exit code 2, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RagError as exc:
            err.print(f"[red]error:[/red] {exc.said_as(FLAGS)}", markup=True, highlight=False)
            raise typer.Exit(2) from None
    return wrapper


def _rag(config: Path | None, **overrides):
    # Imported when a command runs: `rag --help` stays fast without the models and Chroma.
    from rag.service import Rag

    return Rag(load_settings(config, **overrides))


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[item]}"), console=err, transient=False)
