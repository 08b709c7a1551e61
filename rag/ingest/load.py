"""Load: find article files and turn each into plain text. Side effects: disk only."""

from __future__ import annotations

import hashlib
import io
import os
import re
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


def discover(paths: list[Path]) -> tuple[list[SourceFile], list[tuple[Path, str]]]:
    """Files to ingest under `paths` (recursively), and the named paths that cannot be used."""
    found: list[SourceFile] = []
    bad: list[tuple[Path, str]] = []
    for given in paths:
        path = given.expanduser().absolute()
        if path.is_dir():
            found.extend(SourceFile(f, path.resolve()) for f in _walk(path.resolve()))
        elif path.is_file():
            found.append(SourceFile(path.resolve(), path.resolve().parent))
        else:
            bad.append((given, "no such file or folder"))
    return _unique(found), bad


def _walk(root: Path) -> list[Path]:
    out = []
    # followlinks=False: a symlink loop cannot trap the walk.
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            p = Path(folder) / name
            if not name.startswith(".") and p.suffix.lower() in SUFFIXES and p.is_file():
                out.append(p)
    return out


def _unique(files: list[SourceFile]) -> list[SourceFile]:
    seen: dict[Path, SourceFile] = {}
    for f in files:
        seen.setdefault(f.path, f)
    return list(seen.values())


def load_file(file: SourceFile, max_bytes: int) -> LoadedFile:
    """Read one file into text; raises LoadError naming the file and the reason."""
    kind = SUFFIXES.get(file.path.suffix.lower())
    if kind is None:
        raise LoadError(f"{file.path}: unsupported file type {file.path.suffix!r} (use .txt, .md, .html or .pdf)")
    data = _read(file.path, max_bytes)
    reader = {"text": _text, "html": _html, "pdf": _pdf}[kind]
    try:
        text, meta = reader(data)
    except LoadError as exc:
        raise LoadError(f"{file.path}: {exc}") from None
    if not text.strip():
        raise LoadError(f"{file.path}: no article text found")
    return LoadedFile(file, content_hash(data), kind, text[:MAX_TEXT_CHARS], meta)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path, max_bytes: int) -> str | None:
    """The content hash load_file would give this file, without parsing it; None when load_file
    would refuse it before parsing (unreadable, empty, over the limit)."""
    try:
        return content_hash(_read(path, max_bytes))
    except LoadError:
        return None


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                f"{path}: file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit (setting max_file_mb)"
            )
        data = path.read_bytes()
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


def _html(data: bytes) -> tuple[str, dict[str, str]]:
    import trafilatura

    html = decode_text(data)
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
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
