"""Chunks are token-bounded, cover the article, and point back into it exactly."""


from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import paragraphs

from rag.ingest.chunk import chunk_article, token_encoder
from rag.records import Article


def make(text: str) -> Article:
    return Article(source="a/b.txt", title="t", text=text, content_hash="h")


@settings(max_examples=800, deadline=None)
@given(st.lists(paragraphs, min_size=1, max_size=8), st.integers(32, 120), st.integers(0, 31))
def test_chunks_map_back_and_cover_the_text(paras, size, overlap):
    art = make("\n\n".join(paras))
    chunks = chunk_article(art, size, overlap)
    covered = set()
    for c in chunks:
        assert art.text[c.start:c.end] == c.text
        assert len(token_encoder().encode(c.text)) <= size
        covered.update(range(c.start, c.end))
    assert all(i in covered for i, ch in enumerate(art.text) if not ch.isspace())
    assert len({c.id for c in chunks}) == len(chunks)


def test_repeated_paragraphs_are_all_covered():
    # Found by Hypothesis: a repeated paragraphs must not be located at its earlier copy.
    art = make("\n\n".join(["Russia"] * 5 + ["Russia Russia Russia Russia",
                                               "Russia Russia Russia Russia Russia Russia Russia Tajikistan Tajikistan",
                                               "Tajikistan"]))
    chunks = chunk_article(art, 32, 0)
    covered = {i for c in chunks for i in range(c.start, c.end)}
    assert all(i in covered for i, ch in enumerate(art.text) if not ch.isspace())


def test_repeats_after_a_chunk_end_are_not_matched_inside_it():
    art = make("\n\n".join(["Russia"] * 4 + ["Russia " * 11 + "Russia Tajikistan Tajikistan Tajikistan"] + ["Russia"] * 3))
    chunks = chunk_article(art, 32, 0)
    assert chunks[-1].end == len(art.text)
    assert all(b.start >= a.end for a, b in zip(chunks, chunks[1:]))  # no overlap was asked for


def test_ids_are_stable_and_depend_on_article_and_text():
    text = "Russia and Tajikistan agreed. " * 60
    a, b = chunk_article(make(text), 64, 8), chunk_article(make(text), 64, 8)
    assert [c.id for c in a] == [c.id for c in b]
    other = chunk_article(Article(source="other.txt", title="t", text=text, content_hash="h"), 64, 8)
    assert not {c.id for c in a} & {c.id for c in other}
