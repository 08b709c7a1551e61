"""One contract, three backends: every test here runs against `MemoryIndex`, `ChromaIndex` on disk
and `ChromaIndex` against a real `chroma run` server on loopback, and expects the same observable
results from each. The two implementations of `rag.index.Index` must mean the same thing: the unit
tests (on MemoryIndex) stand for the product (on ChromaIndex) only as far as they do.

Vectors are hand-made unit vectors (one basis vector per chunk), not embeddings: the protocol only
stores and compares them. Keyword search runs over the real text."""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
from helpers import free_port, serving

from rag.errors import IndexMismatchError
from rag.index import Index
from rag.index.chroma_index import ChromaIndex
from rag.index.manifest import manifest_for
from rag.index.memory import MemoryIndex
from rag.index.place import Place
from rag.records import Article, ArticleSummary, Chunk, Filters, chunk_id

CHROMA = Path(sys.executable).parent / "chroma"
DIM = 64
MANIFEST = manifest_for(model="conformance-unit-vectors", backend="torch", dimensions=DIM, chunk_size=64,
                        chunk_overlap=0, tokenizer="words")
ROOT = "/data/news"


# -- the articles --------------------------------------------------------------------------------
def _basis(n: int) -> np.ndarray:
    v = np.zeros(DIM, np.float32)
    v[n] = 1.0
    return v


def _weights() -> np.ndarray:
    w = np.arange(DIM, 0, -1, dtype=np.float32)  # every chunk scores differently: no ties to order
    return w / np.linalg.norm(w)


QUERY = _weights()  # chunk n (basis vector n) scores QUERY[n] against it


@dataclass(frozen=True)
class Written:
    article: Article
    chunks: list[Chunk]
    vectors: np.ndarray

    @property
    def entry(self) -> tuple[Article, list[Chunk], np.ndarray]:
        return self.article, self.chunks, self.vectors


def _article(source: str, title: str, parts: list[str], first: int, date: str | None = None,
             precision: str | None = None, publisher: str | None = None) -> Written:
    """An article whose chunks are `parts` (joined by one space) with basis vectors first, first+1, ..."""
    text = " ".join(parts)
    chunks, at = [], 0
    for n, part in enumerate(parts):
        chunks.append(Chunk(chunk_id(source, part), source, n, part, at, at + len(part)))
        at += len(part) + 1
    vectors = np.stack([_basis(first + n) for n in range(len(parts))])
    article = Article(source=source, title=title, text=text, content_hash=f"sha256-of-{source}", date=date,
                      date_precision=precision, date_evidence="publication-line" if date else None,
                      publisher=publisher, root=ROOT)
    return Written(article, chunks, vectors)


# (source, date, precision, publisher): one chunk each, all holding the word "bulletin".
_DATED = [
    ("day.txt", "2017-03-05", "day", "Reuters"),
    ("day-before.txt", "2017-03-04", "day", "Reuters"),
    ("day-after.txt", "2017-03-06", "day", "The Guardian"),
    ("march-31.txt", "2017-03-31", "day", "The Guardian"),
    ("feb-28.txt", "2017-02-28", "day", None),
    ("april-1.txt", "2017-04-01", "day", "Reuters"),
    ("month.txt", "2017-03", "month", "O'Neill Media"),
    ("feb-month.txt", "2017-02", "month", None),
    ("year.txt", "2017", "year", "Reuters"),
    ("dec-2016.txt", "2016-12-31", "day", "The Guardian"),
    ("jan-2018.txt", "2018-01-01", "day", "Reuters"),
    ("month-day.txt", "--03-05", "month-day", "Reuters"),  # the year not given
    ("undated.txt", None, None, None),
]
DATED = [_article(s, f"Bulletin {s}", [f"Bulletin from {s}: weather and markets."], n, d, p, pub)
         for n, (s, d, p, pub) in enumerate(_DATED)]

NEWS = [
    _article("students.txt", "Tajik students in Russia", [
        "About 21,000 students from Tajikistan study in Russia.",
        "The figure of 21,000 was given by the ministry.",
        "Most study engineering in Moscow.",
    ], 20, "2019-05-02", "day", "Asia-Plus"),
    _article("troops.txt", "Troops sent to the border", [
        "Some 7,000 troops were deployed to the northern border region on Tuesday, the defence ministry said,"
        " adding that more soldiers could follow in the spring if the talks failed.",
    ], 23, "2019-06", "month", "Reuters"),
    _article("oneill.txt", "Budget vote", ["Minister O'Neill said the budget would pass."],
             24, "2019", "year", "O'Neill Media"),
    _article("oneill-curly.txt", "Treasury memoir", ["Paul O\u2019Neill, the former treasury secretary, spoke."],
             25, None, None, None),
]


def summary(w: Written) -> ArticleSummary:
    a = w.article
    return ArticleSummary(a.source, a.title, a.publisher or "", a.date or "", len(w.chunks))


# -- the three backends --------------------------------------------------------------------------
@dataclass
class Backend:
    name: str
    index: Index
    reopen: Callable[[], Index] | None  # a second index on the same storage (None: nothing persists)
    orphan: Callable[[str], None]  # drop an article's record but not its chunks (an interrupted write)
    opened: list = field(default_factory=list)  # indexes to close at the end


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """One real `chroma run` on a loopback port for this file (each test uses its own collection)."""
    if not CHROMA.exists():
        pytest.fail(f"chroma CLI not found at {CHROMA}; it ships with the chromadb package")
    port = free_port()
    argv = [str(CHROMA), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host", "127.0.0.1",
            "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with serving(argv, f"{url}/api/v2/heartbeat", "chroma run", 60):
        yield url


def _chroma_backend(name: str, place: Place, reopen_place: Callable[[], Place]) -> Backend:
    index = ChromaIndex(place)
    assert index.open(MANIFEST, create=True)
    opened = [index]

    def reopen() -> Index:
        opened[-1].close()  # as another process would: nothing shared but the storage
        again = ChromaIndex(reopen_place())
        assert again.open(MANIFEST, create=False)
        opened.append(again)
        return again

    def orphan(source: str) -> None:
        index.store.articles.delete(ids=[source])

    return Backend(name, index, reopen, orphan, opened)


@pytest.fixture(params=["memory", "chroma-disk", "chroma-server"])
def backend(request, tmp_path) -> Backend:
    """An opened, empty index of each kind."""
    if request.param == "memory":
        index = MemoryIndex()
        assert index.open(MANIFEST, create=True)
        yield Backend("memory", index, None, lambda source: index._articles.pop(source))
        return
    if request.param == "chroma-disk":
        place = Place(tmp_path / "index", "conformance")
        made = _chroma_backend("chroma-disk", place, lambda: place)
    else:
        url = request.getfixturevalue("chroma_server")
        collection = f"c-{uuid.uuid4().hex[:16]}"  # tests never see each other's chunks
        place = Place(tmp_path / "local", collection, chroma_url=url)
        # A second client with its own (empty) local keyword-index cache, as on another machine.
        made = _chroma_backend("chroma-server", place, lambda: Place(tmp_path / "local-2", collection, chroma_url=url))
    try:
        yield made
    finally:
        for index in made.opened:
            index.close()


def write(index: Index, batch: list[Written]) -> None:
    """A write as the service does it: under `writing()`, then `committed` (keyword search follows)."""
    with index.writing():
        index.put_articles([w.entry for w in batch])
        index.committed(True)


def sources(hits) -> list[str]:
    return [h.chunk.source for h in hits]


def check_contents(index: Index, batch: list[Written]) -> None:
    """Everything the reading half of the protocol says about `batch` (and nothing else) being stored."""
    batch = sorted(batch, key=lambda w: w.article.source)
    assert index.counts() == (len(batch), sum(len(w.chunks) for w in batch))
    assert index.catalog() == [summary(w) for w in batch]
    assert index.articles(with_text=True) == [w.article for w in batch]
    assert index.articles() == [replace(w.article, text="") for w in batch]  # no text unless asked for
    for w in batch:
        assert index.article(w.article.source) == w.article
        assert index.chunks_of(w.article.source) == w.chunks
    assert index.article("never-ingested.txt") is None and index.chunks_of("never-ingested.txt") == []
    assert index.article_hashes() == {w.article.source: (w.article.content_hash, ROOT) for w in batch}
    some = [w.article.source for w in batch[:2]] + ["never-ingested.txt"]
    assert index.article_texts(some) == {w.article.source: w.article.text for w in batch[:2]}
    ids = [c.id for w in batch for c in w.chunks]
    stored = index.vectors_for(ids + ["no-such-chunk"])
    assert set(stored) == set(ids)
    expected = {c.id: v for w in batch for c, v in zip(w.chunks, w.vectors)}
    assert all(np.allclose(stored[i], expected[i]) for i in ids)
    assert index.vectors_for([]) == {}


# -- the tests -----------------------------------------------------------------------------------
def test_an_empty_index_holds_nothing_and_refuses_other_settings(backend):
    index = backend.index
    assert index.manifest() == MANIFEST
    assert index.counts() == (0, 0) and index.catalog() == [] and index.articles() == []
    assert index.dense(QUERY, 5) == [] and index.keyword("bulletin", QUERY, 5) == []
    assert index.sweep() == [] and index.article_hashes() == {} and index.vectors_for(["x"]) == {}
    with index.writing():
        index.put_articles([])
        index.delete_article("never-ingested.txt")
        index.committed(False)
    assert index.counts() == (0, 0)
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        index.open({**MANIFEST, "chunk_size": 128}, create=False)


def test_catalog_and_records_after_a_write_and_after_reopening(backend):
    write(backend.index, DATED + NEWS)
    check_contents(backend.index, DATED + NEWS)
    if backend.reopen is None:
        return  # the memory index lives as long as its process
    again = backend.reopen()
    again.refresh()  # what the service does before every question
    check_contents(again, DATED + NEWS)
    assert sources(again.keyword("21,000", QUERY, 3))[:1] == ["students.txt"]
    assert sources(again.dense(_basis(23), 1)) == ["troops.txt"]


def test_dense_hits_carry_their_articles_metadata_and_cosine_scores(backend):
    write(backend.index, DATED + NEWS)
    everything = {c.id: (w, n) for w in DATED + NEWS for n, c in enumerate(w.chunks)}
    in_order = [c.id for w in DATED + NEWS for c in w.chunks]  # their basis vectors weigh less and less in QUERY
    assert [h.chunk.id for h in backend.index.dense(QUERY, 5)] == in_order[:5]
    hits = backend.index.dense(QUERY, 100)  # more than there are: all of them
    assert [h.chunk.id for h in hits] == in_order
    for h in hits:
        w, n = everything[h.chunk.id]
        assert h.chunk == w.chunks[n]
        assert (h.title, h.date, h.publisher) == (w.article.title, w.article.date, w.article.publisher)
        assert h.score == pytest.approx(float(w.vectors[n] @ QUERY), abs=1e-5)


def test_rewriting_an_article_replaces_its_chunks(backend):
    index = backend.index
    write(index, NEWS)
    shorter = _article("students.txt", "Tajik students, corrected", ["About 19,500 students study in Russia."], 40,
                       "2019-05-03", "day", "Asia-Plus")
    write(index, [shorter])
    check_contents(index, [shorter] + NEWS[1:])
    assert "students.txt" not in sources(index.keyword("21,000", QUERY, 10))
    assert sources(index.keyword("19,500", QUERY, 10)) == ["students.txt"]


# Each case: (filters, the sources expected). A date range admits an article whose whole known date
# lies within it: bounds are inclusive at the precision given, an article dated only by year or month
# is in a range only if all of that year or month is, and one with no year (undated, month-day) never.
Y2017 = {"day.txt", "day-before.txt", "day-after.txt", "march-31.txt", "feb-28.txt", "april-1.txt", "month.txt",
         "feb-month.txt", "year.txt"}
MARCH = {"day.txt", "day-before.txt", "day-after.txt", "march-31.txt", "month.txt"}
ALL_DATED = {s for s, *_ in _DATED}
FILTER_CASES = {
    "year..year": (Filters(date_from="2017", date_to="2017"), Y2017),
    "month..month": (Filters(date_from="2017-03", date_to="2017-03"), MARCH),
    "day..day": (Filters(date_from="2017-03-05", date_to="2017-03-05"), {"day.txt"}),
    "from year": (Filters(date_from="2017"), Y2017 | {"jan-2018.txt"}),
    "to year": (Filters(date_to="2017"), Y2017 | {"dec-2016.txt"}),
    "from month": (Filters(date_from="2017-03"), MARCH | {"april-1.txt", "jan-2018.txt"}),
    "to month": (Filters(date_to="2017-03"), MARCH | {"feb-28.txt", "feb-month.txt", "dec-2016.txt"}),
    "from day": (Filters(date_from="2017-03-05"), {"day.txt", "day-after.txt", "march-31.txt", "april-1.txt",
                                                   "jan-2018.txt"}),
    "to day": (Filters(date_to="2017-03-05"), {"day.txt", "day-before.txt", "feb-28.txt", "feb-month.txt",
                                               "dec-2016.txt"}),
    "day edges of a month": (Filters(date_from="2017-03-01", date_to="2017-03-31"), MARCH),
    "day edges of a year": (Filters(date_from="2017-01-01", date_to="2017-12-31"), Y2017),
    "edge days either side": (Filters(date_from="2017-03-04", date_to="2017-03-06"),
                              {"day-before.txt", "day.txt", "day-after.txt"}),
    "edge days across years": (Filters(date_from="2016-12-31", date_to="2018-01-01"),
                               Y2017 | {"dec-2016.txt", "jan-2018.txt"}),
    "day from, month to": (Filters(date_from="2017-03-06", date_to="2017-04"),
                           {"day-after.txt", "march-31.txt", "april-1.txt"}),
    "month from, year to": (Filters(date_from="2017-02", date_to="2017"), Y2017 - {"year.txt"}),
    "february": (Filters(date_from="2017-02", date_to="2017-02"), {"feb-28.txt", "feb-month.txt"}),
    "reversed": (Filters(date_from="2018", date_to="2016"), set()),
    "no filters": (Filters(), ALL_DATED),
    "publisher": (Filters(publishers=("Reuters",)), {"day.txt", "day-before.txt", "april-1.txt", "year.txt",
                                                     "jan-2018.txt", "month-day.txt"}),
    "publisher with apostrophe": (Filters(publishers=("O'Neill Media",)), {"month.txt"}),
    "publishers and dates": (Filters(publishers=("The Guardian", "Reuters"), date_to="2017-03-05"),
                             {"day.txt", "day-before.txt", "dec-2016.txt"}),
    "publisher and month": (Filters(publishers=("Reuters",), date_from="2017-03", date_to="2017-03"),
                            {"day.txt", "day-before.txt"}),
    "sources, no dates": (Filters(sources=("undated.txt", "month-day.txt")), {"undated.txt", "month-day.txt"}),
    "sources and a date": (Filters(sources=("undated.txt", "month-day.txt", "day.txt"), date_from="2017"),
                           {"day.txt"}),
    "unknown source": (Filters(sources=("nope.txt",)), set()),
}


def test_filters_at_year_month_and_day_precision_on_both_bounds(backend):
    index = backend.index
    write(index, DATED)
    got, expected = {}, {}
    for name, (filters, want) in FILTER_CASES.items():
        expected[f"{name} (dense)"] = expected[f"{name} (keyword)"] = sorted(want)
        got[f"{name} (dense)"] = sorted(sources(index.dense(QUERY, 50, filters)))
        got[f"{name} (keyword)"] = sorted(sources(index.keyword("bulletin", QUERY, 50, filters)))
    assert got == expected


def test_a_month_article_is_within_a_to_date_on_its_months_last_day(backend):
    write(backend.index, DATED)
    got = sources(backend.index.dense(QUERY, 50, Filters(date_from="2017-02-01", date_to="2017-02-28")))
    assert sorted(got) == ["feb-28.txt", "feb-month.txt"]


def test_delete_removes_the_article_and_its_chunks_and_nothing_else(backend):
    index = backend.index
    write(index, DATED + NEWS)
    gone = NEWS[0]
    with index.writing():
        index.delete_article("students.txt")
        index.committed(True)
    check_contents(index, DATED + NEWS[1:])
    assert index.vectors_for([c.id for c in gone.chunks]) == {}
    assert "students.txt" not in sources(index.dense(_basis(20), 100))
    assert "students.txt" not in sources(index.keyword("students 21,000 Tajikistan", QUERY, 100))
    with index.writing():  # twice, and an article never there: harmless (the service says "not in the index")
        index.delete_article("students.txt")
        index.delete_article("never-ingested.txt")
        index.committed(False)
    check_contents(index, DATED + NEWS[1:])
    write(index, [gone])  # and it can come back
    check_contents(index, DATED + NEWS)
    assert sources(index.keyword("21,000", QUERY, 1)) == ["students.txt"]


def test_sweep_removes_chunks_left_without_their_article_and_names_them(backend):
    index = backend.index
    write(index, DATED + NEWS)
    with index.writing():
        assert index.sweep() == []  # nothing left over
    backend.orphan("troops.txt")  # what a writer killed between chunks and record leaves
    backend.orphan("students.txt")
    with index.writing():
        assert index.sweep() == ["students.txt", "troops.txt"]
        assert index.sweep() == []
        index.committed(True)
    check_contents(index, DATED + NEWS[2:])
    assert index.vectors_for([c.id for w in NEWS[:2] for c in w.chunks]) == {}
    assert not {"students.txt", "troops.txt"} & set(sources(index.keyword("7,000 troops 21,000 students", QUERY, 100)))
    assert not {"students.txt", "troops.txt"} & set(sources(index.dense(QUERY, 100)))


def test_keyword_search_with_numbers_and_apostrophes(backend):
    index = backend.index
    write(index, DATED + NEWS)
    students = [c.id for c in NEWS[0].chunks]
    assert sorted(h.chunk.id for h in index.keyword("21,000", QUERY, 10)[:2]) == sorted(students[:2])
    assert sources(index.keyword("How many students from Tajikistan study in Russia? 21,000?", QUERY, 1)) == \
        ["students.txt"]
    assert sources(index.keyword("7,000 troops", QUERY, 10))[:1] == ["troops.txt"]
    oneills = ["oneill-curly.txt", "oneill.txt"]
    for question in ("O'Neill", "O\u2019Neill", "what did O'Neill say?", "Neill"):  # straight or curly, either text
        assert sorted(sources(index.keyword(question, QUERY, 10))) == oneills, question
    assert sources(index.keyword("O'Neill budget", QUERY, 10)) == ["oneill.txt", "oneill-curly.txt"]
    assert index.keyword("O'Neill", QUERY, 10, Filters(publishers=("O'Neill Media",)))[0].chunk.source == "oneill.txt"
    assert index.keyword("zeppelin", QUERY, 10) == []
    for h in index.keyword("21,000 7,000 O'Neill", QUERY, 10):  # scored by the stored vector, as dense is
        assert h.score == pytest.approx(float(index.vectors_for([h.chunk.id])[h.chunk.id] @ QUERY), abs=1e-5)
    n = len(DATED) + sum(len(w.chunks) for w in NEWS)
    assert index.idf("21,000") == pytest.approx(np.log((n - 2 + 0.5) / (2 + 0.5) + 1.0))  # "21" is in two chunks


def test_a_number_alone_finds_the_article_with_that_number_first(backend):
    write(backend.index, DATED + NEWS)
    assert sources(backend.index.keyword("7,000", QUERY, 10)) == ["troops.txt"]
