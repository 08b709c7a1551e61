"""Dense, BM25 and hybrid retrieval on a real index: modes, filters, persistence, reprints."""

import shutil

import pytest
from helpers import CORPUS, make_rag

from rag.errors import InputError
from rag.records import Filters

TROOPS = "How many Russian troops are stationed in Tajikistan?"


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_every_mode_finds_the_troops_and_honours_filters(tmp_path, sample_rag, mode):
    rag = make_rag(sample_rag.settings.index_dir, retriever=mode)
    hits = rag.retriever.retrieve(TROOPS, 5)
    assert {"003_daad56808568b6dc.txt", "004_d3314de6100c5788.txt"} & {h.chunk.source for h in hits}
    assert all(-1.0 <= h.score <= 1.0 for h in hits)  # cosine in every mode
    only = rag.retriever.retrieve(TROOPS, 5, Filters(sources=("003_daad56808568b6dc.txt",)))
    assert only and {h.chunk.source for h in only} == {"003_daad56808568b6dc.txt"}
    dated = rag.retriever.retrieve(TROOPS, 10, Filters(date_from="2021-01-01"))
    assert dated and all(h.date and h.date.startswith("2021") for h in dated)


def test_unknown_mode_is_refused(sample_rag):
    from rag.retrieve.hybrid import ChunkRetriever

    with pytest.raises(InputError, match="retriever must be one of dense, bm25, hybrid, got 'sparse'"):
        ChunkRetriever(sample_rag.index, sample_rag.embedder, "sparse")


def test_bm25_is_persisted_updated_on_ingest_and_not_rebuilt_per_query(tmp_path, corpus_copy):
    rag = make_rag(tmp_path / "index", retriever="bm25")
    rag.ingest([corpus_copy])
    marker = rag.index.words.folder / "bm25.json"
    built = marker.stat().st_mtime_ns
    for _ in range(3):
        rag.ask(TROOPS)
    assert marker.stat().st_mtime_ns == built  # queries never rebuild it
    (corpus_copy / "zz.txt").write_text("Uzbekistan opens a new railway\n\nThe Termez railway carries 4,000 passengers a day.")
    rag.ingest([corpus_copy])
    assert rag.index.words.folder.joinpath("bm25.json").stat().st_mtime_ns != built
    top_id = rag.index.words.search("Termez railway", 3)[0][0]
    assert top_id in [c.id for c in rag.index.chunks_of("zz.txt")]
    fresh = make_rag(tmp_path / "index", retriever="bm25")  # another process loads it from disk
    assert fresh.retriever.retrieve("Termez railway passengers", 3)[0].chunk.source == "zz.txt"


def test_a_reprinted_story_is_cited_once_naming_the_other_outlet(tmp_path):
    """Issue 26 #5 changed this: the reprint was cited as a second source; now the story is cited once,
    and its citation names the outlet that reprinted it."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(CORPUS / "003_daad56808568b6dc.txt", corpus / "rferl.txt")
    text = (CORPUS / "003_daad56808568b6dc.txt").read_text().replace("Publisher Radio Free Europe/Radio Liberty", "Publisher Asia Wire")
    (corpus / "reprint.txt").write_text(text)
    shutil.copy(CORPUS / "002_3e4b70f7a6e2aa7f.txt", corpus / "tass.txt")
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus])
    answer = rag.ask(TROOPS)
    assert "7,000" in answer.text
    cited = [c for c in answer.citations if c.source in ("rferl.txt", "reprint.txt")]
    assert len({c.source for c in cited}) == 1
    other = ({"rferl.txt", "reprint.txt"} - {cited[0].source}).pop()
    assert all([x.source for x in c.also_reported_by] == [other] for c in cited)


def test_rebuilding_the_index_rebuilds_bm25_too(tmp_path, corpus_copy):
    # Found by the eval: after --rebuild the revision counter restarted and a stale BM25 index,
    # pointing at chunk ids that no longer existed, was kept.
    make_rag(tmp_path / "index", retriever="bm25").ingest([corpus_copy])
    rebuilt = make_rag(tmp_path / "index", retriever="bm25", chunk_size=128)
    rebuilt.ingest([corpus_copy], rebuild=True)
    ids = set(rebuilt.index.store.chunks.get(include=[])["ids"])
    hits = rebuilt.index.words.search("Russian troops stationed in Tajikistan", 10)
    assert hits and {cid for cid, _ in hits} <= ids
    assert "7,000" in rebuilt.ask(TROOPS).text
