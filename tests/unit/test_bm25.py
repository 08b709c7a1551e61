"""The incremental BM25: same scores as bm25s on the same terms (the lexicon's), and any sequence of
additions and removals scores exactly like an index built from scratch on what is left."""

import numpy as np
from helpers import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.index.keyword import Postings
from rag.lexicon.words import terms

WORDS = "russia tajikistan troops base border soldiers agreed minister the of and csto lavrov dushanbe".split()
QUERIES = ["Russian troops in Tajikistan", "border agreement", "Lavrov Dushanbe minister", "unknownword"]


def paragraphs() -> list[str]:
    return [p for f in sorted(CORPUS.iterdir()) for p in f.read_text().split("\n\n") if len(p) > 40]


def test_scores_equal_bm25s_lucene_on_the_sample_articles():
    import bm25s

    texts = paragraphs()
    ours = Postings()
    ours.add([f"p{i}" for i in range(len(texts))], texts)
    ref = bm25s.BM25(method="lucene", k1=1.5, b=0.75)  # the scoring is checked; the terms are ours
    ref.index([terms(t) for t in texts], show_progress=False)
    for q in QUERIES[:3]:
        expected = ref.get_scores(terms(q))
        assert np.allclose(ours.scores(q), expected, atol=1e-4), q


ops = st.lists(st.tuples(st.booleans(), st.integers(0, 30), st.lists(st.sampled_from(WORDS), min_size=1, max_size=30)),
               min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(ops)
def test_incremental_updates_score_like_a_fresh_build(steps):
    live: dict[str, str] = {}
    index = Postings()
    for add, n, words in steps:
        cid = f"c{n}"
        if add:
            index.add([cid], [" ".join(words)])
            live[cid] = " ".join(words)
        elif cid in live:
            index.remove([cid])
            del live[cid]
    fresh = Postings()
    fresh.add(list(live), list(live.values()))
    for q in QUERIES:
        got = dict(index.top(q, 100))
        want = dict(fresh.top(q, 100))
        assert got.keys() == want.keys(), q
        assert all(abs(got[k] - want[k]) < 1e-4 for k in got), q
