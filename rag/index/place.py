"""Where an index lives (a value: the store, the keyword index and the error messages use it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr


@dataclass(frozen=True)
class Place:
    """Where an index lives: Chroma's files in `index_dir`, or `collection` on a Chroma server at
    `chroma_url` (the keyword index and write lock stay in `index_dir` either way)."""

    index_dir: Path
    collection: str
    chroma_url: str | None = None
    token: SecretStr | None = field(default=None, repr=False, compare=False)  # for the server's proxy
    allow_http: bool = False  # send the token over plain http off loopback (a trusted private network)

    @property
    def location(self) -> str:
        return self.chroma_url or str(self.index_dir)
