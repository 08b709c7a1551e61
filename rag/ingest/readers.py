"""File readers: which file types an ingest takes, and the parser of each. The built-ins (text and
Markdown, HTML, PDF) register here; a package adds a reader through the entry point group
`newsrag.readers` (README: "Plug-ins"). Ingest, uploads, the CLI's help and the web chat's upload
box all ask this registry which suffixes there are.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.errors import LoadError
from rag.ingest import formats
from rag.ingest.collections import whole_file
from rag.ingest.formats import MAX_TEXT_CHARS
from rag.registry import Registry


@dataclass(frozen=True)
class Reader:
    name: str  # also the parse cache's key: one name, one parser
    suffixes: tuple[str, ...]  # lower case, with the dot: (".eml",)
    parse: Callable[[bytes], tuple[str, dict[str, str]]]  # bytes -> (text, {title, date, publisher}); LoadError says why not
    summary: str = ""


READERS: Registry[Reader] = Registry("newsrag.readers", "reader", Reader)
READERS.register(Reader("text", (".txt", ".md", ".markdown"), formats.parse_text, "plain text and Markdown"))
READERS.register(Reader("html", (".html", ".htm"), formats.parse_html, "web pages, the article without its menus"))
READERS.register(Reader("pdf", (".pdf",), formats.parse_pdf, "PDF documents"))
# Collections hold many articles, one a row: the ingest reads them a row at a time (rag.ingest.collect).
READERS.register(Reader("jsonl", (".jsonl",), whole_file, "article collections, one article a line as a JSON object"))
READERS.register(Reader("csv", (".csv",), whole_file, "article collections, a header and one article a row"))


def suffixes() -> dict[str, str]:
    """suffix -> reader name, for every reader; a suffix two readers claim goes to the first."""
    out: dict[str, str] = {}
    for reader in READERS.entries().values():
        for suffix in reader.suffixes:
            out.setdefault(suffix.lower(), reader.name)
    return out


def listing() -> str:
    """The suffixes as the CLI's help and messages name them: ".txt .md .html .pdf"."""
    return " ".join(s for s in suffixes() if s != ".markdown" and s != ".htm")


def kind_of(path: Path) -> str:
    kind = suffixes().get(path.suffix.lower())
    if kind is None:
        raise LoadError(f"{path}: unsupported file type {path.suffix!r} (use {listing()})")
    return kind


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_KEPT: OrderedDict[tuple[str, str], tuple[str, dict[str, str]]] = OrderedDict()  # see parse(keep=True)
_KEPT_LOCK = threading.Lock()


def parse(data: bytes, kind: str, name: Path | str, keep: bool = False) -> tuple[str, dict[str, str]]:
    """The text and metadata in a file's bytes, by the reader `kind`; LoadError names the file as
    `name`. With `keep`, the result waits for the next parse of the same bytes: an upload is checked
    before it is kept, then ingested, and parsed once (a big page takes seconds)."""
    key = (content_hash(data), kind)
    with _KEPT_LOCK:
        kept = _KEPT.pop(key, None)
    if kept is not None:
        return kept
    try:
        text, meta = READERS.get(kind).parse(data)
    except LoadError as exc:
        raise LoadError(f"{name}: {exc}") from None
    if not isinstance(text, str) or not text.strip():
        raise LoadError(f"{name}: no article text found")
    meta = {k: str(v) for k, v in (meta or {}).items() if k in ("title", "date", "publisher") and v}
    if keep:
        with _KEPT_LOCK:
            _KEPT[key] = (text[:MAX_TEXT_CHARS], meta)
            while len(_KEPT) > 32:  # checked uploads never ingested (refused by name, index busy) age out
                _KEPT.popitem(last=False)
    return text[:MAX_TEXT_CHARS], meta
