"""One part of an ingest split over several processes or machines writing to one Chroma server
(`rag ingest --part K/N`, and `--workers N`, which runs the N parts itself).

An article belongs to one part by a hash of its name (a collection's row by FILE#ID), so every part
decides alike without talking to the others, and an article always falls in the same part: re-running
a part re-ingests exactly what it wrote. Each part prunes only its own articles."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rag.errors import InputError


@dataclass(frozen=True)
class Part:
    k: int = 1  # counted from 1
    n: int = 1

    def holds(self, source: str) -> bool:
        """Whether the article (file name, or a collection's FILE#ID; a bad row by FILE:LINE) is this part's."""
        if self.n == 1:
            return True
        digest = hashlib.blake2b(source.encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.n == self.k - 1

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"


def parse_part(spec: str, flag: str) -> Part:
    """"K/N" as a Part; InputError naming `flag` otherwise."""
    k, _, n = spec.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise InputError(f"{flag} {spec!r}: expected K/N with 1 <= K <= N, e.g. 2/4")
    return Part(int(k), int(n))
