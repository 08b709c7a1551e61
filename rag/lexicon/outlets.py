"""Outlet names: one outlet, whatever its spelling ("Itar-Tass", "ITAR TASS" and "TASS" are one),
from a small alias file users can extend. Articles keep the spelling they were published under;
listings and filters go by the outlet, and a filter also takes the first words of one outlet's name
("Yonhap" for "Yonhap News Agency"). Pure, apart from reading the alias files."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path

from rag.errors import ConfigError, InputError

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
    """The stored spellings that name one of the wanted outlets: in any spelling or case, by a short
    name the alias file knows ("AP"), or by the first words of one outlet's name ("Yonhap" for
    "Yonhap News Agency"). First words that begin two outlets' names are refused, naming both."""
    stored: dict[str, set[str]] = {}  # {folded outlet: its stored spellings}
    for s in spellings:
        stored.setdefault(fold(outlet(s, aliases)), set()).add(s)
    found: set[str] = set()
    for w in wanted:
        for key in _outlets_named(w, stored, aliases):
            found |= stored[key]
    return tuple(sorted(found))


def _outlets_named(wanted: str, stored: dict[str, set[str]], aliases: dict[str, str]) -> list[str]:
    """The stored outlets (folded) that `wanted` names: the one it spells, else the one whose name
    it begins. A name the alias file knows names its outlet only ("AP" is never "AP Tajikistan")."""
    key = fold(outlet(wanted, aliases))
    if key in stored or fold(wanted) in aliases:
        return [key] if key in stored else []
    words = fold(wanted).split()
    begun = sorted(k for k, spelled in stored.items() if words and any(
        n.split()[:len(words)] == words for n in _names(k, spelled, aliases)))
    if len(begun) > 1:
        shown = " or ".join(repr(outlet(min(stored[k]), aliases)) for k in begun)
        raise InputError(f"outlet {wanted!r} could be {shown}: give more of its name")
    return begun


def _names(key: str, spelled: set[str], aliases: dict[str, str]) -> set[str]:
    """Every folded name an outlet goes by: its own, its stored spellings and its alias spellings."""
    return {key, *map(fold, spelled), *(k for k, shown in aliases.items() if fold(shown) == key)}
