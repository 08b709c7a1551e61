"""Make a large corpus of real prose for the benchmarks: article-sized .txt files.

Sources, in order: the sample articles, then Debian's documentation packages where installed
(`apt-get install linux-doc python3.11-doc postgresql-doc-15 perl-doc debian-handbook`).
Real text, so tokenization and chunk counts are realistic; each file is one section of a
document, cut at paragraph ends into 300-1,500 words, never repeated.

    python scripts/make_corpus.py OUT_DIR --articles 150
    python scripts/make_corpus.py OUT_DIR --words 20000000
"""

from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [  # (folder, glob, kind)
    (ROOT / "corpus", "*.txt", "text"),
    (Path("/usr/share/doc/debian-handbook/html/en-US"), "*.html", "html"),
    (Path("/usr/share/doc/python3.11/html/_sources"), "**/*.rst.txt", "text"),
    (Path("/usr/share/doc/postgresql-doc-15/html"), "*.html", "html"),
    (Path("/usr/share/perl/5.36/pod"), "*.pod", "text"),
    (Path("/usr/share/doc/linux-doc-6.1/Documentation"), "**/*.rst.gz", "text"),
    (Path("/usr/share/man"), "man[1-8]/*.gz", "man"),
]
MIN_WORDS, MAX_WORDS = 300, 1500
_ESCAPES = re.compile(r"\\f(?:\(..|\[[^\]]*\]|.)|\\\(..|\\\*(?:\(..|.)|\\[&e|^]")  # troff fonts, glyphs


def documents() -> Iterator[tuple[str, str]]:
    """(name, plain text) of every source document found on this machine."""
    for folder, pattern, kind in SOURCES:
        for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
            raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
            text = raw.decode("utf-8", errors="replace")
            text = _html_text(raw) if kind == "html" else _man_text(text) if kind == "man" else text
            yield f"{folder.name}-{path.stem}", text


def _html_text(raw: bytes) -> str:
    import lxml.html

    tree = lxml.html.fromstring(raw)
    for bad in tree.xpath("//script|//style|//nav|//header|//footer|//*[contains(@class,'navheader')]"
                          "|//*[contains(@class,'navfooter')]"):
        bad.drop_tree()
    blocks = tree.xpath("//p|//li|//h1|//h2|//h3|//pre|//dt|//dd")
    return "\n\n".join(b.text_content().strip() for b in blocks if b.text_content().strip())


def _man_text(troff: str) -> str:
    """Prose of a man page: macros dropped, font escapes removed, paragraphs at .PP/.SH."""
    out = []
    for line in troff.splitlines():
        if line.startswith((".PP", ".SH", ".SS", ".TP", ".IP", ".LP", ".P ")) or line == ".P":
            out.append("")
        if line.startswith(".SH") or line.startswith(".SS"):
            out.append(line[3:].strip(' "'))
        elif not line.startswith((".", "'")):
            out.append(_ESCAPES.sub("", line.replace("\\-", "-")))
    return "\n".join(out)


def articles(text: str, min_words: int = MIN_WORDS, max_words: int = MAX_WORDS) -> Iterator[str]:
    """Article-sized pieces of `text`, cut at paragraph ends."""
    paragraphs = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    piece: list[str] = []
    words = 0
    for p in filter(None, paragraphs):
        piece.append(p)
        words += len(p.split())
        if words >= max_words or (words >= min_words and p.endswith(".")):
            yield "\n\n".join(piece)
            piece, words = [], 0
    if words >= min_words:
        yield "\n\n".join(piece)


def make(out: Path, max_articles: int | None, max_words: int | None,
         sizes: tuple[int, int] = (MIN_WORDS, MAX_WORDS)) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    n = total = 0
    for name, text in documents():
        for i, body in enumerate(articles(text, *sizes)):
            if (max_articles and n >= max_articles) or (max_words and total >= max_words):
                return n, total
            safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:80]
            (out / f"{n:06d}_{safe}_{i}.txt").write_text(body + "\n")
            n, total = n + 1, total + len(body.split())
    return n, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=None, help="stop after this many files")
    ap.add_argument("--words", type=int, default=None, help="stop after this many words")
    ap.add_argument("--sizes", default=f"{MIN_WORDS}-{MAX_WORDS}", help="words per file, MIN-MAX")
    args = ap.parse_args()
    lo, hi = map(int, args.sizes.split("-"))
    n, words = make(args.out, args.articles, args.words, (lo, hi))
    print(f"{n} articles, {words:,} words in {args.out}")


if __name__ == "__main__":
    main()
