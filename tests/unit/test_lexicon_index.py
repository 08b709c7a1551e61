"""A keyword index on disk names the lexicon's terms it holds: one built with other terms (an older
tokenizer) is never searched, but rebuilt from the store's chunks."""

from __future__ import annotations

import json

from rag.index.keyword import Bm25Index
from rag.lexicon.words import TERMS_VERSION

CHUNKS = {"troops": "Russia keeps 7,000 troops at its base.", "students": "About 21,000 students study in Russia.",
          "bulletin": "A bulletin of 000 news."}


class Store:
    """The part of the Chroma store that the keyword index reads, counting the chunks it is asked for."""

    def __init__(self, revision: str) -> None:
        self.rev, self.asked = revision, 0

    def revision(self) -> str:
        return self.rev

    def chunk_id_list(self) -> list[str]:
        return list(CHUNKS)

    def texts_of(self, ids: list[str]):
        self.asked += len(ids)
        yield {i: CHUNKS[i] for i in ids}


def _built(folder, revision: str = "c1:3") -> Store:
    store = Store(revision)
    Bm25Index(folder).sync(store, persist=True)
    return store


def _as_older_tokenizer_wrote_it(folder) -> None:
    meta = json.loads((folder / "bm25.json").read_text())
    del meta["terms"]  # what the index wrote before it named its terms
    (folder / "bm25.json").write_text(json.dumps(meta))


def test_the_index_names_its_terms_and_is_not_rebuilt_while_they_match(tmp_path):
    _built(tmp_path / "bm25")
    assert json.loads((tmp_path / "bm25" / "bm25.json").read_text())["terms"] == TERMS_VERSION
    store = Store("c1:3")
    index = Bm25Index(tmp_path / "bm25")
    index.sync(store, persist=True)
    assert store.asked == 0 and index.stored_revision() == "c1:3"
    assert index.search("7,000", 3)[0][0] == "troops"


def test_an_index_of_other_terms_is_rebuilt_from_the_store_and_never_searched(tmp_path):
    folder = tmp_path / "bm25"
    _built(folder)
    _as_older_tokenizer_wrote_it(folder)
    index = Bm25Index(folder)
    assert index.stored_revision() is None  # `rag doctor` sees it as behind the store
    assert index.search("7,000", 3) == []  # not searched as it is, even before a sync
    store = Store("c1:3")
    index.sync(store, persist=True)
    assert store.asked == len(CHUNKS)  # every chunk tokenized again, with the current terms
    assert [cid for cid, _ in index.search("7,000", 3)] == ["troops"]
    assert json.loads((folder / "bm25.json").read_text())["terms"] == TERMS_VERSION
    assert Bm25Index(folder).stored_revision() == "c1:3"


def test_a_reader_rebuilds_in_memory_and_leaves_the_disk_to_the_writer(tmp_path):
    folder = tmp_path / "bm25"
    _built(folder)
    _as_older_tokenizer_wrote_it(folder)
    index = Bm25Index(folder)
    index.sync(Store("c1:3"))
    assert [cid for cid, _ in index.search("21,000 students", 3)] == ["students"]
    assert "terms" not in json.loads((folder / "bm25.json").read_text())
