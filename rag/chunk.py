"""Chunk: llama-index's SentenceSplitter counting cl100k_base tokens; each chunk keeps its offsets."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

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
    chunks, prev_start, prev_end, seen = [], -1, 0, {}
    for ordinal, piece in enumerate(pieces):
        earliest = prev_end - _overlap_chars(chunks[-1].text, chunk_overlap) if chunks else 0
        start = _locate(article.text, piece, max(prev_start + 1, earliest), prev_end)
        occurrence = seen.get(piece, 0)
        seen[piece] = occurrence + 1
        chunks.append(Chunk(chunk_id(article.source, piece, occurrence), article.source, ordinal,
                            article.text[start:start + len(piece)], start, start + len(piece)))
        prev_start, prev_end = start, start + len(piece)
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


def _locate(text: str, piece: str, earliest: int, prev_end: int) -> int:
    """Where `piece` sits: chunks come in order, so it starts no earlier than the previous
    chunk's end less the overlap, and reaches past that end (repeated text must not match
    an earlier copy)."""
    at = text.find(piece, earliest)
    while at >= 0 and at + len(piece) <= prev_end:
        at = text.find(piece, at + 1)
    if at < 0:
        raise ValueError(f"chunk not found verbatim in article text: {piece[:60]!r}")
    return at
