"""Boilerplate goes, article text stays."""

import pytest
from helpers import CORPUS
from hypothesis import given
from hypothesis import strategies as st
from strategies import sentences
from test_metadata import article

from rag.ingest.clean import clean_text, find_title, is_boilerplate, split_lines

CHROME = ["All news", "Bookshop | Donate", "Leave a Reply", "Be the first to comment", "Photo: Russian Foreign Ministry",
          "This site uses Akismet", "Search Refworld", "Copyright notice", "DisclaimerThis is not a UNHCR",
          "Link to original story", "Based on materials from TASS", "[Source: Itar Tass", "Last Updated",
          "A column of Russian armored vehicles entering in Tajikistan. Source Moscow Times."]


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.iterdir()))
def test_sample_boilerplate_removed_and_sentences_kept(name):
    a = article(name)
    for junk in CHROME:
        assert junk not in a.text
    raw = (CORPUS / name).read_text(encoding="utf-8")
    for line in split_lines(raw):
        # Every real paragraph (long, ends like a sentence, not chrome) survives verbatim.
        if len(line.split()) >= 12 and line[-1] in ".\"”’" and not is_boilerplate(line):
            assert line in a.text, line


def test_doubled_caption_removed():
    text = article("003_daad56808568b6dc.txt").text
    assert "Dushanbe on February 27.Russian President" not in text
    assert "About 7,000 troops from Russia's 201st Motor Rifle Division" in text


@given(st.lists(sentences, min_size=1, max_size=12), st.lists(st.sampled_from(CHROME[:8]), max_size=4))
def test_article_sentences_are_never_dropped(sentences, chrome):
    lines = ["Headline of a test story"] + chrome + sentences + chrome
    body = clean_text(lines, find_title(lines))
    for s in sentences:
        assert s in body
