"""The built-in readers' parsers: plain text and Markdown, HTML pages (trafilatura), PDFs (pypdf).
Each takes a file's bytes and gives its text and the metadata the format declares itself."""

from __future__ import annotations

import io

from rag.errors import LoadError
from rag.ingest.decode import control_ratio, decode_text

MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 5_000_000  # bounds what a decompression bomb or giant page can expand to


def parse_text(data: bytes) -> tuple[str, dict[str, str]]:
    text = decode_text(data)
    if control_ratio(text) > 0.05:
        raise LoadError("binary file, not text")
    return text, {}


MAX_HTML_ELEMENTS = 10_000  # news pages have a few thousand; see _html


def parse_html(data: bytes) -> tuple[str, dict[str, str]]:
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


def parse_pdf(data: bytes) -> tuple[str, dict[str, str]]:
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
