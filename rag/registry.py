"""Registries where implementations plug in: answerers, file readers, indexes.

The built-ins register themselves; another package adds one through a Python entry point in its
group (`newsrag.answerers`, `newsrag.readers`, `newsrag.indexes`), whose object is the entry, as
simonw/llm finds its plug-ins. Plug-ins load once, on the first lookup. One that fails to load is
named in `problems` (and by `rag plugins`), never a crash for the rest.
"""

from __future__ import annotations

import logging
import threading
from importlib.metadata import entry_points
from typing import Generic, Protocol, TypeVar

from rag.errors import ConfigError

log = logging.getLogger(__name__)


class Named(Protocol):
    name: str
    summary: str  # one line: the CLI's --help, the web choices and `rag plugins` show it


T = TypeVar("T", bound=Named)


class Registry(Generic[T]):
    def __init__(self, group: str, what: str, kind: type) -> None:
        self.group, self.what, self.kind = group, what, kind
        self._entries: dict[str, T] = {}
        self._origin: dict[str, str] = {}  # name -> "built-in" or the distribution that added it
        self.problems: list[str] = []  # plug-ins that failed to load, with the reason
        self._loaded = False
        self._lock = threading.Lock()

    def register(self, entry: T, origin: str = "built-in") -> T:
        """Add `entry` under its name; a second entry of one name is refused, naming both."""
        if not isinstance(entry, self.kind):
            raise ConfigError(f"{origin}: a {self.what} plug-in must be a {self.kind.__name__}, got {type(entry).__name__}")
        if entry.name in self._entries:
            raise ConfigError(f"{origin}: {self.what} {entry.name!r} is already provided by {self._origin[entry.name]}")
        self._entries[entry.name] = entry
        self._origin[entry.name] = origin
        return entry

    def get(self, name: str) -> T:
        """The entry called `name`; ConfigError names the choices (and a plug-in that failed)."""
        entries = self.entries()
        if name not in entries:
            broken = "; ".join(p for p in self.problems if p.startswith(f"{name}:"))
            raise ConfigError(f"unknown {self.what} {name!r}: choose one of {', '.join(entries)}"
                              + (f" (plug-in failed: {broken})" if broken else ""))
        return entries[name]

    def entries(self) -> dict[str, T]:
        """Every entry by name, built-ins first, then plug-ins (loaded once, on the first call)."""
        with self._lock:
            if not self._loaded:
                self._loaded = True
                for point in entry_points(group=self.group):
                    self._load(point)
        return dict(self._entries)

    def names(self) -> tuple[str, ...]:
        return tuple(self.entries())

    def origin(self, name: str) -> str:
        return self._origin.get(name, "")

    def _load(self, point) -> None:
        origin = f"plug-in {point.dist.name if point.dist else point.value}"
        try:
            self.register(point.load(), origin)
        except Exception as exc:  # a broken plug-in is named, and the rest go on working
            self.problems.append(f"{point.name}: {origin} failed to load ({type(exc).__name__}: {exc})")
            log.warning("%s", self.problems[-1])
