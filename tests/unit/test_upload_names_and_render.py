"""Uploads (names, content checks), corpus management, and the chat's HTML rendering."""

import pytest
from files import write_broken

from rag.errors import LoadError
from rag.ingest.uploads import accept_upload, safe_name
from rag.records import Answer, Citation, Sentence
from rag.web.render import transcript


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd", "passwd"), ("/abs/path/story.TXT", "story.txt"), ("C:\\win\\y.pdf", "y.pdf"),
    (".hidden.md", "hidden.md"), ("a b\x00c.html", "a_b_c.html"), ("", "upload"), ("ｆｕｌｌ.md", "full.md"),
])
def test_upload_names_are_neutralised(name, expected):
    assert safe_name(name) == expected


def test_uploads_are_checked_by_content_before_they_are_kept(tmp_path):
    keep = tmp_path / "kept"
    broken = write_broken(tmp_path / "in")
    with pytest.raises(LoadError, match=r"^fake\.pdf: not a PDF file"):
        accept_upload(broken["not_pdf"], "fake.pdf", keep, 10**7)
    renamed = tmp_path / "in" / "gif.txt"
    renamed.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(LoadError, match=r"^report\.txt: binary file"):
        accept_upload(renamed, "../../report.txt", keep, 10**7)
    assert not keep.exists() or not any(keep.iterdir())  # nothing bad was stored
    good = tmp_path / "in" / "g.txt"
    good.write_text("Dushanbe opens a metro\n\nThe metro will have nine stations, the mayor said.")
    first = accept_upload(good, "../metro.txt", keep, 10**7)
    other = tmp_path / "in" / "h.txt"
    other.write_text("A different story\n\nAbout something else entirely, officials said.")
    second = accept_upload(other, "metro.txt", keep, 10**7)
    assert (first.name, second.name) == ("metro.txt", "metro-2.txt") and first.parent == keep


def test_render_marks_unsupported_sentences_and_escapes_everything():
    quote = "About 7,000 troops are stationed in Tajikistan."
    cite = Citation(1, "a<b>.txt", "Title <i>x</i>", "2017-02-27", "Pub", "c", quote, 0, len(quote))
    sentences = (Sentence(quote, (1,)), Sentence("China sends <b>9,000</b> troops.", (1,), supported=False))
    answer = Answer("Q <script>", f"{quote} [1] China sends <b>9,000</b> troops [1].", False, (cite,),
                    unsupported=("China sends <b>9,000</b> troops.",), sentences=sentences)
    html = transcript([answer], articles={"a<b>.txt": quote})
    assert 'class="unsupported"' in html and "⚠" in html
    assert "<b>9,000</b>" not in html and "<i>x</i>" not in html and "<script>" not in html
    assert "&lt;b&gt;9,000&lt;/b&gt;" in html and "a&lt;b&gt;.txt" in html
    assert 'href="#src-1-1"' in html and 'id="src-1-1"' in html and "<mark>" in html


def _card(article: str, quote: str, start: int) -> str:
    from rag.web.render import source_card

    cite = Citation(1, "a.txt", "A title", "2020-01-02", "Pub", "c", quote, start, start + len(quote))
    return source_card(cite, 1, article, (cite,))


def test_the_highlight_follows_the_quote_when_the_article_changed_since_the_answer():
    quote = "The base holds 7,000 troops."
    now = "A new first paragraph was added.\n\nOfficials spoke. " + quote + " More text."
    html = _card(now, quote, start=0)  # offsets recorded before the article was re-indexed
    assert '<mark class="this">The base holds 7,000 troops.</mark>' in html
    assert "<mark>A new first" not in html and "<mark>" + "A new" not in html


def test_a_quote_no_longer_in_the_article_is_shown_alone_never_on_another_span():
    html = _card("Completely different text now.\n\nNothing of the old.", "The base holds 7,000 troops.", 0)
    assert '<div class="passage"><mark>The base holds 7,000 troops.</mark></div>' in html
    assert "<mark>Completely" not in html and 'class="this"' not in html


def test_the_full_article_marks_the_cited_span_for_scrolling_and_its_panel_has_a_key():
    article = "Head line.\n\nSecond paragraph with the quote here.\n\nThird."
    html = _card(article, "the quote here", article.index("the quote here"))
    assert 'data-key="src-1-1"' in html and html.count('<mark class="this">the quote here</mark>') == 1


def test_counted_progress_says_how_many_of_how_many():
    from rag.web.tabs import counted

    seen = []
    start, step = counted(lambda fraction, desc: seen.append((fraction, desc)), "files")
    start(4)
    step("a.txt")
    step("b.txt")
    assert seen == [(0, "0 of 4 files"), (0.25, "1 of 4 files"), (0.5, "2 of 4 files")]
