"""Loaders on real files: text encodings, HTML pages, PDFs, and every kind of broken file."""

from pathlib import Path

import pytest
from files import HTML, write_broken, write_pdf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.errors import LoadError
from rag.load import SourceFile, discover, load_file
from rag.metadata import build_article


def load(path: Path, limit: int = 10**7):
    return load_file(SourceFile(path, path.parent), limit)


def test_html_page_gives_article_text_and_metadata(tmp_path):
    page = tmp_path / "school.html"
    page.write_text(HTML)
    a = build_article(load(page))
    assert "1,200 pupils" in a.text and "third such school" in a.text
    assert "Home | World" not in a.text and "Subscribe" not in a.text
    assert a.title.startswith("Russia opens")
    assert (a.date, a.publisher) == ("2020-03-12", "Example News")


def test_pdf_text_and_date(tmp_path):
    pdf = write_pdf(tmp_path / "school.pdf", ["Russia opens a new school in Dushanbe", "12 March 2020",
                                               "The school will teach 1,200 pupils in Russian and Tajik."])
    a = build_article(load(pdf))
    assert "1,200 pupils" in a.text
    assert (a.title, a.date) == ("Russia opens a new school in Dushanbe", "2020-03-12")


def test_cp1251_russian_text_is_decoded(tmp_path):
    path = tmp_path / "ru.txt"
    text = "Россия и Таджикистан подписали соглашение о пограничной заставе.\n\nВ Душанбе прошли переговоры министров."
    path.write_bytes(text.encode("cp1251"))
    assert "пограничной заставе" in load(path).text


@pytest.mark.parametrize("kind,reason", [
    ("empty", "empty file"), ("whitespace", "empty file"), ("binary", "binary file"),
    ("malformed_pdf", "malformed PDF"), ("not_pdf", "not a PDF"), ("encrypted_pdf", "encrypted PDF"),
])
def test_broken_files_are_named_with_their_reason(tmp_path, kind, reason):
    path = write_broken(tmp_path)[kind]
    with pytest.raises(LoadError) as info:
        load(path)
    assert str(path) in str(info.value) and reason in str(info.value)


def test_size_limit_names_the_setting(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Russia and Tajikistan agreed. " * 2000)
    with pytest.raises(LoadError, match=r"over the 0.01 MB limit \(setting max_file_mb\)"):
        load(path, limit=10_000)


def test_discover_recurses_skips_hidden_and_survives_symlink_loops(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("Story one is here.")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "y.txt").write_text("not an article")
    (tmp_path / "notes.docx").write_text("unsupported")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)
    files, bad = discover([tmp_path, tmp_path / "missing.txt"])
    assert [f.source for f in files] == ["a/b/x.txt"]
    assert bad == [(tmp_path / "missing.txt", "no such file or folder")]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".pdf"]))
def test_random_bytes_load_or_fail_cleanly(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        loaded = load(path)
    except LoadError as exc:
        assert str(path) in str(exc)
    else:
        assert loaded.text.strip()
        build_article(loaded)
