"""Splitting an ingest into parts (rag ingest --part K/N, --workers N), and merging the parts' reports."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.errors import InputError
from rag.ingest.parts import Part, parse_part
from rag.ingest.writer import IngestReport
from rag.service.workers import merged

pytestmark = pytest.mark.unit


@given(st.text(min_size=1, max_size=80), st.integers(1, 12))
def test_every_article_falls_in_exactly_one_part(source, n):
    assert sum(Part(k, n).holds(source) for k in range(1, n + 1)) == 1


def test_parts_share_the_articles_out_evenly():
    sources = [f"archive.jsonl#{i}" for i in range(4000)]
    counts = [sum(Part(k, 4).holds(s) for s in sources) for k in range(1, 5)]
    assert min(counts) > 900 and sum(counts) == 4000


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1/0", "a/b", "2", "", "-1/2"])
def test_a_bad_part_names_the_flag_and_the_form(spec):
    with pytest.raises(InputError, match=rf"--part {spec!r}: expected K/N with 1 <= K <= N"):
        parse_part(spec, "--part")


def test_parts_reports_merge_without_doubling_what_every_part_meets():
    a = IngestReport(added=["a#1"], failed=[("a.jsonl", "an empty collection"), ("gone/", "not found")],
                     other_types=Counter({".xml": 2}), undated=Counter({"a.jsonl": 1}), chunks_embedded=3)
    b = IngestReport(added=["a#2", "a#3"], failed=[("a.jsonl", "an empty collection"), ("a.jsonl:7", "not valid JSON")],
                     other_types=Counter({".xml": 2}), undated=Counter({"a.jsonl": 2}), chunks_embedded=4)
    report = merged([a, b])
    assert report.added == ["a#1", "a#2", "a#3"] and report.chunks_embedded == 7
    assert report.failed == [("a.jsonl", "an empty collection"), ("gone/", "not found"), ("a.jsonl:7", "not valid JSON")]
    assert report.other_types == Counter({".xml": 2}) and report.undated == Counter({"a.jsonl": 3})
