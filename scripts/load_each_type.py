"""Load one file of each supported type with the installed package (scripts/check_packaging.sh)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's real-file writers (a PDF drawn by matplotlib)

from files import HTML, write_pdf  # noqa: E402

import rag  # noqa: E402
from rag.ingest.load import SourceFile, load_file  # noqa: E402
from rag.ingest.metadata import build_article  # noqa: E402

LINE = "The school will teach 1,200 pupils in Russian and Tajik."


def main() -> None:
    where = Path(list(rag.__path__)[0])
    assert not where.is_relative_to(ROOT), f"rag imported from the checkout: {where}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a.txt").write_text(f"Russia opens a school\n\n{LINE}\n")
        (folder / "a.md").write_text(f"# Russia opens a school\n\n{LINE}\n")
        (folder / "a.html").write_text(HTML)
        write_pdf(folder / "a.pdf", ["Russia opens a new school in Dushanbe", LINE])
        for path in sorted(folder.iterdir()):
            article = build_article(load_file(SourceFile(path, folder), 20_000_000))
            assert "1,200 pupils" in article.text, (path.name, article.text[:200])
            print(f"ok  {path.suffix:6} {article.title}")


if __name__ == "__main__":
    main()
