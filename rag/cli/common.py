"""What every `rag` command shares: one-line errors, the --config option, progress bars, and
text made safe for a terminal."""

from __future__ import annotations

import functools
import json
import re
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
FLAGS = {"date_from": "--since", "date_to": "--until", "top_k": "--top-k", "llm": "--llm"}  # fields named as the user typed them
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", metavar="FILE", help="Settings file (default: ./rag.toml if present).")]


# What a terminal would act on rather than show: ESC sequences (CSI `ESC [ ... final`; OSC, DCS, PM, APC
# and SOS strings up to their BEL or ST, or the line's end; two-byte ESC x), then any other C0
# character but newline and tab, DEL and the C1 characters (U+0080-U+009F; U+009B is a CSI too).
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
                      r"|\x1b[ -~]?|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` without what would make a terminal do rather than show (set its title, clear the screen,
    write to the clipboard): article titles and quotes, an LLM's tokens and file names are data."""
    return _CONTROL.sub("", text)


def echo(text: str = "", nl: bool = True) -> None:
    """Print to stdout, as typer.echo, what a terminal can only show."""
    typer.echo(terminal_safe(text), nl=nl)


def echo_json(record: dict | list) -> None:
    """One JSON line: json.dumps escapes C0 characters but leaves DEL and C1 raw (ensure_ascii=False);
    they are escaped too, so the data stays exact and the terminal safe."""
    text = json.dumps(record, ensure_ascii=False)
    typer.echo(re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m[0]):04x}", text))


def say(markup: str, text: str) -> None:
    """One line to stderr: our own `markup` (a label) followed by `text`, shown literally and safely."""
    err.print(markup, escape(terminal_safe(text)), sep="", highlight=False)


def show_error(exc: RagError) -> None:
    """The one line a user sees for an error, naming what they typed."""
    say("[red]error:[/red] ", exc.said_as(FLAGS))


def friendly(fn):
    """Turn RagError into a one-line message and exit code 2, never a traceback. A command run with
    --json also prints {"error": ...} on stdout: a script reading stdout gets JSON either way."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except RagError as exc:
            show_error(exc)
            if kwargs.get("as_json"):  # every --json option is the parameter as_json
                echo_json({"error": exc.said_as(FLAGS)})
            raise typer.Exit(2) from None
    return wrapper


def _rag(config: Path | None, **overrides):
    # Imported when a command runs: `rag --help` stays fast without the models and Chroma.
    from rag.service import Rag

    return Rag(load_settings(config, **overrides))


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[item]}"), console=err, transient=False)
