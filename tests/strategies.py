"""Hypothesis strategies shared by the tests: news-like words, sentences and paragraphs."""

from __future__ import annotations

from hypothesis import strategies as st

words = st.sampled_from("Russia Tajikistan troops base border 7,000 agreed said. minister. The of and CSTO Lavrov".split())
paragraphs = st.lists(words, min_size=1, max_size=120).map(" ".join)  # punctuation inside words: ragged sentences
sentences = st.lists(st.sampled_from("troops base border agreed Russia said minister the of and".split()),
                     min_size=6, max_size=20).map(lambda ws: " ".join(ws).capitalize() + ".")
