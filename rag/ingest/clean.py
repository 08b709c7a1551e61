"""Clean: drop the boilerplate of scraped news pages, keep every line of article text."""

from __future__ import annotations

import re

from rag.lexicon.dates import is_date_line

_BOILERPLATE = re.compile(
    r"^(?:"
    r"all news|latest news|advertisement|read more|print|email|share(?: this(?: article)?)?"
    r"|bookshop\b.*donate.*|donate|leave a reply|be the first to comment|\d+ comments?"
    r"|this site uses akismet.*|search refworld|link to original story.*"
    r"|related(?: articles| stories)?:?|subscribe\b.{0,80}|sign up\b.{0,80}"
    r"|(?:©|\(c\)|copyright\b).*|.{0,40}\ball rights reserved.*"
    r"|disclaimer.*|cite as\b.*|publisher\b.*|publication date\b.*|last updated\b.*"
    r"|(?:photo|image|picture|video)(?: credit)?\s*:.*|based on materials (?:from|of)\b.*"
    r"|\[?source\s*:.*|with reporting by\b.*|(?:small logo)?this document has been published on\b.*"
    r")$",
    re.I,
)
_NAV = re.compile(r"\s\|\s|^\|")  # "Derechos | Equipo Nizkor": menu bars
_CAPTION = re.compile(r"^.{10,200}[.!]\s*(?i:source|photo|credit|image)s?\s*:?\s+[A-Z][\w .&'-]{1,60}\.?$")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")


def split_lines(text: str) -> list[str]:
    """Lines with page whitespace normalised (NBSP, tabs, CR) and ends stripped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\t", " ")
    return [ln.strip() for ln in text.split("\n")]


def is_boilerplate(line: str) -> bool:
    """Site chrome, credits, captions and footers: never answer material."""
    return bool(_BOILERPLATE.match(line) or _NAV.search(line) or _CAPTION.match(line) or _doubled(line))


def _doubled(line: str) -> bool:
    # A photo caption printed twice in a row ("X.X") is scraper residue.
    half = len(line) // 2
    return len(line) > 40 and line[:half].strip() == line[half:].strip()


TITLE_MAX_WORDS = 25


def find_title(lines: list[str]) -> int | None:
    """Index of the headline, or None when the story opens with its lead (wire copy often does).
    A headline is the first line of 3+ words that is not chrome, a date or metadata, and is short
    (at most TITLE_MAX_WORDS words), without a full stop at its end, and followed by a blank line
    (or a date line)."""
    for i, line in enumerate(lines[:40]):
        if line and len(line.split()) >= 3 and not is_boilerplate(line) and not is_date_line(line):
            short = len(line.split()) <= TITLE_MAX_WORDS and not re.search(r"[.!;,][\"'”’)]*$", line)
            after = lines[i + 1] if i + 1 < len(lines) else ""
            alone = not after or is_date_line(after) or is_boilerplate(after)  # a dateline may sit under it
            return i if short and alone else None
    return None


def clean_text(lines: list[str], title_at: int | None) -> str:
    """The article body from the headline on, one paragraph a line-group, chrome removed."""
    body = [ln for ln in lines[title_at or 0:] if ln and not is_boilerplate(ln) and not is_date_line(ln)]
    body = _drop_footer(body)
    return "\n\n".join(body)


def _drop_footer(body: list[str]) -> list[str]:
    # Trailing short lines without sentence punctuation ("Russian Affairs", an outlet's
    # name) follow the last paragraph; a real closing sentence ends with punctuation.
    end = len(body)
    while end > 1 and len(body[end - 1].split()) <= 8 and not _SENTENCE_END.search(body[end - 1]):
        end -= 1
    return body[:end]
