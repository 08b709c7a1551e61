"""Load: turn each article file into plain text (rag.ingest.walk finds them). Side effects: disk only."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import LoadError

SUFFIXES = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html", ".pdf": "pdf"}
MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 5_000_000  # bounds what a decompression bomb or giant page can expand to


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    root: Path  # absolute folder the user named (or the file's parent)
    linked: bool = False  # reached through a symbolic link that --follow-symlinks allowed

    @property
    def source(self) -> str:
        return self.path.relative_to(self.root).as_posix()


@dataclass(frozen=True)
class LoadedFile:
    file: SourceFile
    content_hash: str
    kind: str  # text | html | pdf
    text: str
    meta: dict[str, str] = field(default_factory=dict)  # title/date/publisher a format declares itself


def load_file(file: SourceFile, max_bytes: int, parsed: Mapping | None = None) -> LoadedFile:
    """Read one file into text; raises LoadError naming the file and the reason. `parsed` holds
    parses done ahead (rag.ingest.ahead), by (content hash, kind): the same bytes are not parsed twice."""
    kind = kind_of(file.path)
    data = read_bytes(file.path, max_bytes, follow=file.linked)
    digest = content_hash(data)
    done = (parsed or {}).get((digest, kind))
    if isinstance(done, str):
        raise LoadError(f"{file.path}: {done}")
    text, meta = done or parse(data, kind, file.path)
    return LoadedFile(file, digest, kind, text, meta)


def kind_of(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise LoadError(f"{path}: unsupported file type {path.suffix!r} (use .txt, .md, .html or .pdf)")
    return kind


_KEPT: OrderedDict[tuple[str, str], tuple[str, dict[str, str]]] = OrderedDict()  # see parse(keep=True)
_KEPT_LOCK = threading.Lock()


def parse(data: bytes, kind: str, name: Path | str, keep: bool = False) -> tuple[str, dict[str, str]]:
    """The text and metadata in a file's bytes; LoadError names the file as `name`. With `keep`, the
    result waits for the next load_file of the same bytes: an upload is checked before it is kept,
    then ingested, and parsed once (a big page takes seconds)."""
    key = (content_hash(data), kind)
    with _KEPT_LOCK:
        kept = _KEPT.pop(key, None)
    if kept is not None:
        return kept
    try:
        text, meta = {"text": _text, "html": _html, "pdf": _pdf}[kind](data)
    except LoadError as exc:
        raise LoadError(f"{name}: {exc}") from None
    if not text.strip():
        raise LoadError(f"{name}: no article text found")
    if keep:
        with _KEPT_LOCK:
            _KEPT[key] = (text[:MAX_TEXT_CHARS], meta)
            while len(_KEPT) > 32:  # checked uploads never ingested (refused by name, index busy) age out
                _KEPT.popitem(last=False)
    return text[:MAX_TEXT_CHARS], meta


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path, max_bytes: int, follow: bool = True) -> str | None:
    """The content hash load_file would give this file, without parsing it; None when load_file
    would refuse it before parsing (unreadable, empty, over the limit)."""
    try:
        return content_hash(read_bytes(path, max_bytes, follow))
    except LoadError:
        return None


def read_bytes(path: Path, max_bytes: int, follow: bool = True) -> bytes:
    """A regular file's bytes (never a device or pipe; `follow=False`: never through a link);
    LoadError names the file when it is unreadable, empty or over `max_bytes`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise LoadError(f"{path}: not a regular file")
            if info.st_size > max_bytes:
                raise LoadError(f"{path}: file is {info.st_size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB "
                                "limit (setting max_file_mb)")
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data.strip():
        raise LoadError(f"{path}: empty file")
    return data


def decode_text(data: bytes) -> str:
    """Bytes to str: UTF-8 first, then the most plausible legacy encoding (cp1251, latin-1, ...)."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    western = _western(data) if len(data) <= SHORT_TEXT else None
    if western is not None:
        return western
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = _likeliest(list(matches))
    if best is None:
        raise LoadError("undecodable text (not UTF-8 or a known encoding)")
    text = str(best)
    if _control_ratio(text) > 0.05:
        raise LoadError("binary file, not text")
    return text


# Legacy code pages by how common they are on the web (W3Techs), for readings detection cannot separate.
_COMMON = ("cp1252", "latin_1", "cp1251", "cp1250", "cp1256", "cp1254", "iso8859_2", "iso8859_15", "koi8_r")
_RANK = {encoding: i for i, encoding in enumerate(_COMMON)}


def _likeliest(matches: list):
    """The best reading; but among readings as clean as it, one in a cased script whose letters are
    mostly lower case (as prose is), in the commonest code page. The wrong Cyrillic table swaps the
    cases (cp1251 read as KOI8-R gives "ОПНЬКХ" for "прошли"); a short cp1251 text ties with Hebrew
    (cp1255), Greek (cp1253) and Mac Cyrillic readings (the last differs only in capitals: "ѕодписали"
    for "Подписали"), and cp1251 is the commonest: Hypothesis found all four. The cost: a short Hebrew
    or Greek legacy text that ties with a Cyrillic reading is read as Cyrillic; longer texts rarely tie."""
    if not matches:
        return None
    tied = [m for m in matches if m.chaos <= matches[0].chaos]
    return min(tied, key=lambda m: (_lower_share(str(m)) < 0.5, _RANK.get(m.encoding, len(_RANK))))


def _lower_share(text: str) -> float:
    """Share of lower-case letters among letters that have a case (0 for a caseless script)."""
    letters = [c for c in text if c.lower() != c.upper()]
    return sum(c.islower() for c in letters) / len(letters) if letters else 0.0


SHORT_TEXT = 4096  # bytes: below this, statistical detection guesses ("Café" read as "Cafť" in mac_latin2)
_WESTERN_MARKS = set("“”‘’‚„–—…•€™«»°§©®±·¿¡\u00a0")


def _western(data: bytes) -> str | None:
    """A short text as Windows-1252, the commonest legacy encoding of Western news, when it reads
    as Western text: words of ASCII letters with a few accented ones (Russian in cp1251 would read
    as words of nothing but accented letters, Polish in cp1250 as symbols in words); else None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    accented = [c for c in text if ord(c) > 127 and c not in _WESTERN_MARKS]
    if not all(c.isalpha() and ord(c) <= 0x17F for c in accented):
        return None
    words = re.findall(r"[^\W\d_]{3,}", text)
    foreign = [w for w in words if not re.search("[A-Za-z]", w)]
    return None if len(foreign) > 0.25 * len(words) else text


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / max(1, len(sample))


def _text(data: bytes) -> tuple[str, dict[str, str]]:
    text = decode_text(data)
    if _control_ratio(text) > 0.05:
        raise LoadError("binary file, not text")
    return text, {}


MAX_HTML_ELEMENTS = 10_000  # news pages have a few thousand; see _html


def _html(data: bytes) -> tuple[str, dict[str, str]]:
    """Parsed once, by trafilatura's own lxml loader (linear: milliseconds for 100,000 tags), and its
    elements counted before the extraction, whose time grows with their square: two seconds for
    10,000 list items, thirty for 40,000, minutes for the tag soup of a 2 MB page."""
    import trafilatura

    tree = trafilatura.load_html(decode_text(data))
    elements = sum(1 for _ in tree.iter()) if tree is not None else 0
    if elements > MAX_HTML_ELEMENTS:
        raise LoadError(f"refused: the page has {elements:,} HTML elements, over the {MAX_HTML_ELEMENTS:,} "
                        "an article page needs (extraction time grows with their square)")
    doc = None if tree is None else trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        raise LoadError("no article text found in the HTML page")
    meta = {"title": doc.title, "date": doc.date, "publisher": doc.sitename}
    return doc.text, {k: v for k, v in meta.items() if v}


def _pdf(data: bytes) -> tuple[str, dict[str, str]]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    if not data.lstrip().startswith(b"%PDF-"):
        raise LoadError("not a PDF file (no %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("encrypted PDF (needs a password)")
        text = _pdf_text(reader)
        title = (reader.metadata or {}).get("/Title")
    except LoadError:
        raise
    except LimitReachedError:
        raise LoadError("refused: its compressed content expands past the safety limit (a decompression bomb)") from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError, AssertionError) as exc:
        raise LoadError(f"malformed PDF ({type(exc).__name__}: {exc})") from None
    return text, {"title": str(title)} if title else {}


def _pdf_text(reader) -> str:
    if len(reader.pages) > MAX_PDF_PAGES:
        raise LoadError(f"PDF has {len(reader.pages)} pages, over the {MAX_PDF_PAGES}-page limit")
    parts, total = [], 0
    for page in reader.pages:
        page_text = page.extract_text() or ""
        total += len(page_text)
        if total > MAX_TEXT_CHARS:
            raise LoadError(f"PDF text exceeds {MAX_TEXT_CHARS:,} characters")
        parts.append(page_text)
    return "\n\n".join(parts)
