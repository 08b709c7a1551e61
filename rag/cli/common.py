"""What every `rag` command shares: one-line errors, the --config option, progress bars."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from typer.core import TyperArgument, TyperOption

from rag.errors import RagError
from rag.settings import load_settings

# Typer prints an argument's Python type beside its name (`PATH... <list[Path]>`) and `<bool>`
# beside every flag, --help included; the names say what to type, so the types are left out of
# the help (options that take a value name it with a metavar).
TyperArgument.display_type_rich = lambda self, ctx: None
_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _option_type(self, ctx)

err = Console(stderr=True, soft_wrap=True)  # errors stay on one line
FLAGS = {"date_from": "--since", "date_to": "--until", "top_k": "--top-k"}  # fields named as the user typed them
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Settings file (default: ./rag.toml if present).")]


def show_error(exc: RagError) -> None:
    """The one line a user sees for an error, naming what they typed."""
    err.print("[red]error:[/red] ", escape(exc.said_as(FLAGS)), sep="", highlight=False)


def friendly(fn):
    """Turn RagError into a one-line message and exit code 2, never a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RagError as exc:
            show_error(exc)
            raise typer.Exit(2) from None
    return wrapper


def _rag(config: Path | None, **overrides):
    # Imported when a command runs: `rag --help` stays fast without the models and Chroma.
    from rag.service import Rag

    return Rag(load_settings(config, **overrides))


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[item]}"), console=err, transient=False)
