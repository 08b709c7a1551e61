"""Chunk: llama-index's SentenceSplitter counting cl100k_base tokens; each chunk keeps its offsets."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

from rag.records import Article, Chunk, chunk_id

TOKENIZER = "cl100k_base"


@lru_cache(maxsize=1)
def token_encoder():
    """cl100k_base from llama-index's bundled cache: tiktoken would otherwise download it."""
    import llama_index.core
    import tiktoken

    cache = Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(cache))
    return tiktoken.get_encoding(TOKENIZER)


@lru_cache(maxsize=8)
def _splitter(chunk_size: int, chunk_overlap: int):
    from llama_index.core.node_parser import SentenceSplitter

    # paragraph_separator matches clean_text's blank-line paragraphs.
    return SentenceSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap,
        tokenizer=token_encoder().encode, paragraph_separator="\n\n",
    )


def chunk_article(article: Article, chunk_size: int, chunk_overlap: int,
                  fits: Callable[[str], bool] | None = None) -> list[Chunk]:
    """Split an article's text into token-bounded chunks with ids and character offsets.

    `fits` says whether a chunk fits the embedding model's window; one that does not is split
    again, smaller, so that no text is silently truncated by the model.
    """
    pieces = _fit(_splitter(chunk_size, chunk_overlap).split_text(article.text), chunk_size, fits)
    chunks, seen = [], {}
    for ordinal, (piece, start) in enumerate(zip(pieces, place(article.text, pieces, chunk_overlap))):
        occurrence = seen.get(piece, 0)
        seen[piece] = occurrence + 1
        chunks.append(Chunk(chunk_id(article.source, piece, occurrence), article.source, ordinal,
                            article.text[start:start + len(piece)], start, start + len(piece)))
    return chunks


def _fit(pieces: list[str], chunk_size: int, fits: Callable[[str], bool] | None) -> list[str]:
    if fits is None:
        return pieces
    out: list[str] = []
    for piece in pieces:
        size = chunk_size
        parts = [piece]
        while size > 16 and not all(fits(p) for p in parts):
            size = size * 3 // 4
            parts = _splitter(size, 0).split_text(piece)
        out.extend(parts)
    return out


def _overlap_chars(previous: str, overlap_tokens: int) -> int:
    """How far (in characters) a chunk may reach back into the previous one."""
    if overlap_tokens <= 0:
        return 0
    enc = token_encoder()
    return len(enc.decode(enc.encode(previous)[-overlap_tokens:])) + 2


def place(text: str, pieces: list[str], overlap_tokens: int) -> list[int]:
    """Start offset of each piece. The splitter's pieces come in order, leave no text uncovered and
    overlap by at most `overlap_tokens`; with repeated text a piece can match in several places,
    so search (depth first, preferring no overlap) for the placement that satisfies all of that."""
    starts: list[int] = []
    options = [_options(text, pieces[0], -1, 0, 0)] if pieces else []
    budget = 50 * len(pieces) + 1000  # repeated text (tables, rulers) can make the search explode
    while options and budget:
        budget -= 1
        at = next(options[-1], None)
        if at is None:
            options.pop()
            if starts:
                starts.pop()
            continue
        starts.append(at)
        end = at + len(pieces[len(starts) - 1])
        if len(starts) == len(pieces):
            if not text[end:].strip():
                return starts
            starts.pop()
            continue
        earliest = end - _overlap_chars(pieces[len(starts) - 1], overlap_tokens)
        options.append(_options(text, pieces[len(starts)], at, earliest, end))
    return _greedy(text, pieces)


def _greedy(text: str, pieces: list[str]) -> list[int]:
    """Fallback when no placement meets every constraint (pieces re-split to fit the model can
    overlap more than the setting) or the search runs out of budget: each piece at its first
    occurrence after the previous one (the text at each offset is still exactly the piece)."""
    starts, prev = [], -1
    for piece in pieces:
        at = text.find(piece, prev + 1)
        at = text.find(piece) if at < 0 else at
        if at < 0:
            raise ValueError(f"a chunk is not in the article text: {piece[:60]!r}")
        starts.append(at)
        prev = at
    return starts


def _options(text: str, piece: str, prev_start: int, earliest: int, prev_end: int) -> Iterator[int]:
    """Where `piece` may start: after the previous start, within the overlap window, reaching past
    the previous end, and leaving nothing but whitespace uncovered before it."""
    found, at = [], text.find(piece, max(prev_start + 1, earliest))
    while at >= 0 and not text[prev_end:at].strip():
        if at + len(piece) > prev_end:
            found.append(at)
        at = text.find(piece, at + 1)
    return iter(sorted(found, key=lambda a: (a < prev_end, -a if a < prev_end else a)))
