"""Outlet names: one outlet, whatever its spelling ("Itar-Tass", "ITAR TASS" and "TASS" are one),
from a small alias file users can extend. Articles keep the spelling they were published under;
listings and filters go by the outlet (pure, apart from reading the alias files)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path

from rag.errors import ConfigError

PACKAGED = Path(__file__).with_name("outlets.toml")


def fold(name: str) -> str:
    """Case, punctuation and spacing removed: the form two spellings of one name share."""
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", name).casefold()).split())


def load_aliases(extra: Path | None = None) -> dict[str, str]:
    """{folded spelling: the name to show}, from the packaged file and then the user's (theirs wins)."""
    table: dict[str, str] = {}
    for path in (PACKAGED, extra):
        if path is None:
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the outlet aliases ({exc})") from None
        for shown, others in data.items():
            if not isinstance(others, list) or not all(isinstance(o, str) for o in others):
                raise ConfigError(f'{path}: {shown!r} must list its other spellings, e.g. "{shown}" = ["..."]')
            table.update({fold(name): shown for name in (shown, *others)})
    return table


def outlet(spelling: str | None, aliases: dict[str, str]) -> str:
    """The outlet a spelling names: the alias file's name for it, else the spelling as given."""
    if not spelling or not spelling.strip():
        return ""
    return aliases.get(fold(spelling), " ".join(spelling.split()))


def same_outlet(wanted: tuple[str, ...], spellings: set[str], aliases: dict[str, str]) -> tuple[str, ...]:
    """The stored spellings that name one of the wanted outlets (in any spelling or case)."""
    keys = {fold(outlet(w, aliases)) for w in wanted}
    return tuple(sorted(s for s in spellings if fold(outlet(s, aliases)) in keys))
