"""Loaders on real files: text encodings, HTML pages, PDFs, and every kind of broken file."""

from pathlib import Path

import pytest
from files import HTML, write_bomb_pdf, write_broken, write_pdf
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rag.errors import LoadError
from rag.ingest.load import SourceFile, load_file
from rag.ingest.metadata import build_article
from rag.ingest.walk import LINK, discover


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


RUSSIAN = ("Россия и Таджикистан подписали соглашение о пограничной заставе в Душанбе прошли переговоры министров "
           "иностранных дел военная база граница Афганистан президент заявил что страны будут укреплять "
           "сотрудничество").split()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(words="в прошли Россия будут и Таджикистан Душанбе подписали".split(), sep=". ")  # read as KOI8-R once
@given(words=st.lists(st.sampled_from(RUSSIAN), min_size=8, max_size=30, unique=True),
       sep=st.sampled_from([". ", ", ", " "]))
def test_any_cp1251_russian_text_is_decoded_exactly(tmp_path, words, sep):
    text = sep.join(words).capitalize() + "."
    path = tmp_path / "ru.txt"
    path.write_bytes(text.encode("cp1251"))
    assert load(path).text == text


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
    assert bad == [(tmp_path / "a" / "loop", LINK), (tmp_path / "missing.txt", "no such file or folder")]
    files, bad = discover([tmp_path], follow_links=True)  # followed, the loop is named and ends
    assert [f.source for f in files] == ["a/b/x.txt"] and [p for p, _ in bad] == [tmp_path / "a" / "loop"]


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


def test_decompression_bomb_pdf_is_refused_quickly_with_the_reason(tmp_path):
    import resource
    import time

    bomb = write_bomb_pdf(tmp_path / "bomb.pdf")  # 0.8 MB that inflates to 300 MB
    before, started = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter()
    with pytest.raises(LoadError, match=r"bomb\.pdf: refused: .*decompression bomb"):
        load(bomb)
    grew_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert time.perf_counter() - started < 10 and grew_mb < 200, f"inflated to {grew_mb:.0f} MB"


def test_deeply_nested_html_fails_cleanly(tmp_path):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 50000 + "<p>Deep text.</p>" + "</div>" * 50000 + "</body></html>")
    with pytest.raises(LoadError, match=r"deep\.html: no article text found"):
        load(page)


HTML_PIECES = ["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<!--", "-->", "<a href='", "'>", "&amp;",
               "&#xFFFFFFFF;", "&bogus;", "<table><tr><td>", "<![CDATA[", "<img src=http://evil.test/x.png>",
               "<meta charset='klingon'>", "\x00", "Russia and Tajikistan signed a border deal in Dushanbe. "]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=30), max_size=60))
def test_malformed_html_loads_or_fails_cleanly(tmp_path, pieces):
    page = tmp_path / "page.html"
    page.write_text("".join(pieces), errors="surrogatepass")
    try:
        loaded = load(page)
    except LoadError as exc:
        assert str(page) in str(exc)
    else:
        assert loaded.text.strip() and "<script>" not in loaded.text
        build_article(loaded)


WESTERN = ("Café crème naïve résumé Zürich Straße São Paulo Málaga Ångström façade déjà vu the minister said "
           "on Monday that talks in Genève would resume soon").split()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(WESTERN), min_size=1, max_size=12), sep=st.sampled_from([" ", ", ", " — "]))
def test_any_short_cp1252_text_is_decoded_exactly(tmp_path, words, sep):
    text = sep.join(words)  # as short as one word: "Café" once read as "Cafť"
    path = tmp_path / "fr.txt"
    path.write_bytes(text.encode("cp1252"))
    assert load(path).text == text


def test_a_parse_done_ahead_is_reused_and_its_failure_names_each_file(tmp_path):
    from rag.ingest.ahead import parse_ahead
    from rag.ingest.load import content_hash

    page, same, old, bad = (tmp_path / n for n in ("page.html", "copy.html", "old.txt", "bad.pdf"))
    page.write_text(HTML)
    same.write_text(HTML)
    old.write_text("An article already in the index, unchanged.")
    bad.write_bytes(b"%PDF-1.4 not really")
    bad_copy = tmp_path / "also-bad.pdf"
    bad_copy.write_bytes(bad.read_bytes())
    files = [SourceFile(p, tmp_path) for p in (page, same, old, bad, bad_copy)]
    read = []
    done = parse_ahead(files, {"old.txt": (content_hash(old.read_bytes()), str(tmp_path))}, 10**7, read.append)
    assert read == ["page.html", "bad.pdf"]  # a copy's bytes and an unchanged file are not parsed again
    ahead = {key: ("Text from the parse done ahead.", {}) if key[1] == "html" else value
             for key, value in done.parsed.items()}
    assert load_file(files[1], 10**7, ahead).text == "Text from the parse done ahead."
    with pytest.raises(LoadError, match=r"also-bad\.pdf: malformed PDF"):
        load_file(files[4], 10**7, ahead)
    assert "1,200 pupils" in load_file(files[0], 10**7).text  # without it, the file is parsed
    digest = done.digest(files[0])
    assert digest == content_hash(HTML.encode()) and done.digest(files[2]) is not None
    page.unlink()  # read once: with its hash known, the parse is used and the file is not read again
    assert load_file(files[0], 10**7, ahead, digest).text == "Text from the parse done ahead."
    same.write_text(HTML + "<p>An edit after the hash was read.</p>")
    assert done.digest(files[1]) is None  # changed since: read and hashed again
