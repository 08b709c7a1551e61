"""Metadata: title, date and publisher of an article, from its text and what its format declares."""

from __future__ import annotations

import re

from rag.ingest.clean import clean_text, find_title, split_lines
from rag.ingest.load import LoadedFile
from rag.lexicon.calendar import MONTH
from rag.lexicon.dates import HEADER_LINES, find_publication_date, outlet_line
from rag.lexicon.outlets import fold
from rag.records import Article

_PUBLISHER_RULES = [
    re.compile(r"^publisher\s*:?\s+(.{2,80})$", re.I),
    re.compile(r"^\[?\s*source\s*:\s*([^,\]]{2,60})", re.I),
    re.compile(rf"^[A-Z][A-Za-z .'-]{{1,40}},\s+{MONTH}\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?\s*\(([^)]{{2,40}})\)\s*[-–—]"),  # a dateline
    re.compile(r"^(?:based on materials (?:from|of)|with reporting by)\s+([^,.;]{2,60})", re.I),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:\(c\)\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?[,.]?\s*)?([A-Z][\w&'-]*(?:\s[A-Z][\w&'-]*){0,5})", re.I),
]


def find_publisher(lines: list[str]) -> str | None:
    """The outlet the text names, strongest rule first: a Publisher line, a source line, a line of
    outlet and date under the headline ("Valley Courier, 3 March 2020"), a dateline, then weaker ones.
    The outlet line names the paper that printed this copy, a dateline's credit ("MARSTON, May 5
    (Northwire) –") the agency that wrote it: a wire story in three papers is three outlets."""
    stated, dateline, weak = _PUBLISHER_RULES[:2], _PUBLISHER_RULES[2:3], _PUBLISHER_RULES[3:]
    outlets = (found[0] for line in lines[:HEADER_LINES] if (found := outlet_line(line)))
    return _named_by(stated, lines) or next(outlets, None) or _named_by(dateline + weak, lines)


def _named_by(rules: list[re.Pattern], lines: list[str]) -> str | None:
    for rule in rules:
        for line in lines:
            m = rule.search(line)
            if m and (name := m.group(1).strip(" .,")):
                return name
    return None


_SITE_SUFFIX = re.compile(r"\s+(?P<sep>\||[-–—]|::|»)\s+(?P<site>[^|–—»]{2,60})$")


def without_site(title: str, publisher: str | None) -> tuple[str, str | None]:
    """A web page's title without its site's name ("Senate passes the bill | CNN Politics"), and that
    name: after " | " a short tail always is one; after a dash only when it names the publisher."""
    m = _SITE_SUFFIX.search(title)
    if not m or len(title[:m.start()].split()) < 3:
        return title, None
    site = m.group("site").strip()
    named = bool(publisher) and fold(site).startswith(fold(publisher).split(" ")[0])
    if named or (m.group("sep") == "|" and len(site.split()) <= 4):
        return title[:m.start()].rstrip(), site
    return title, None


def _lead_title(text: str, stem: str) -> str:
    """A story without a headline is named by its opening words (its file name if it has none)."""
    opening = text.split()[:10]
    return " ".join(opening) + ("…" if len(text.split()) > 10 else "") if opening else stem


def build_article(loaded: LoadedFile) -> Article:
    """Turn a loaded file into an Article: clean body, headline, date with its evidence, publisher."""
    return article_of(loaded.text, loaded.meta, loaded.file.source, str(loaded.file.root), loaded.content_hash,
                      loaded.file.path.stem)


def article_of(raw: str, meta: dict[str, str], source: str, root: str, content_hash: str, stem: str) -> Article:
    """An article's text and what its format declares (title, date, publisher) as an Article."""
    lines = split_lines(raw)
    title_at = find_title(lines)
    text = clean_text(lines, title_at)
    if not text.strip():
        text = "\n\n".join(ln for ln in lines if ln)  # never drop a whole article as chrome
    found = find_publication_date(lines, meta.get("date"))
    title = meta.get("title") or (lines[title_at] if title_at is not None else _lead_title(text, stem))
    publisher = meta.get("publisher") or find_publisher(lines)
    title, site = without_site(title.strip(), publisher)
    if site:  # "Markets fall | Business | The Guardian": the section goes too
        title = without_site(title, publisher or site)[0]
    return Article(
        source=source,
        title=re.sub(r"^#{1,6}\s+", "", title.strip())[:300],  # a Markdown heading's marks are not its words
        text=text,
        content_hash=content_hash,
        date=found.iso if found else None,
        date_precision=found.precision if found else None,
        date_evidence=found.evidence if found else None,
        publisher=publisher or site,
        root=root,
    )
