"""The whole pipeline on the in-memory index: what the Chroma index does, without Chroma."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import CORPUS, memory_rag

from rag.errors import IndexMismatchError, InputError
from rag.records import Filters

STUDENTS = "How many students from Tajikistan study in Russia?"


def test_an_answer_quotes_and_cites_the_article_that_holds_it(sample_memory):
    answer = sample_memory.ask(STUDENTS)
    assert not answer.abstained
    cited = {c.source: c for c in answer.citations}
    assert cited, answer.text
    for c in answer.citations:  # every quote is the article's own text at its offsets
        assert sample_memory.article(c.source).text[c.start:c.end] == c.quote


def test_filters_keep_other_articles_out(sample_memory):
    only = sorted(sample_memory.catalog(), key=lambda r: r.source)[0].source
    hits = sample_memory.retriever.retrieve(STUDENTS, 5, Filters(sources=(only,)))
    assert hits and {h.chunk.source for h in hits} == {only}
    assert sample_memory.retriever.retrieve(STUDENTS, 5, Filters(date_from="2030")) == []


def test_ingest_twice_changes_nothing_and_delete_removes_the_article(sample_memory):
    before = sample_memory.stats()
    again = sample_memory.ingest([CORPUS])
    assert again.added == [] and again.updated == [] and len(again.unchanged) == before["documents"]
    gone = sample_memory.catalog()[0].source
    sample_memory.delete(gone)
    assert sample_memory.article(gone) is None
    assert gone not in {h.chunk.source for h in sample_memory.retriever.retrieve(STUDENTS, 10)}
    with pytest.raises(InputError, match="not in the index"):
        sample_memory.delete(gone)


def test_an_index_built_with_other_settings_is_refused(sample_memory, tmp_path):
    other = memory_rag(tmp_path, chunk_size=128)
    other.index = sample_memory.index
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        other.ask(STUDENTS)


def test_keyword_and_dense_search_agree_on_an_exact_phrase(sample_memory):
    vector = sample_memory.embedder.embed([STUDENTS])[0]
    dense = sample_memory.index.dense(vector, 3)
    words = sample_memory.index.keyword(STUDENTS, vector, 3)
    assert dense and words and {h.chunk.source for h in dense} & {h.chunk.source for h in words}
    assert all(np.isclose(h.score, float(sample_memory.index.vectors_for([h.chunk.id])[h.chunk.id] @ vector)) for h in words)


def test_a_file_whose_parser_fails_is_reported_and_the_rest_are_ingested(tmp_path, monkeypatch):
    import rag.ingest.pipeline as pipeline

    real = pipeline.load_file

    def missing_library(file, max_bytes, parsed=None, digest=None):  # as when an optional parser library is missing
        if file.path.name.startswith("003"):
            raise ImportError("lxml.html.clean module is now a separate project lxml_html_clean")
        return real(file, max_bytes, parsed, digest)

    monkeypatch.setattr(pipeline, "load_file", missing_library)
    rag = memory_rag(tmp_path)
    report = rag.ingest([CORPUS])
    assert len(report.added) == 4 and [p for p, _ in report.failed] == [str(next(CORPUS.glob("003*")))]
    assert "ImportError: lxml.html.clean" in report.failed[0][1]


def test_rows_whose_chunk_another_process_deleted_are_skipped_not_a_crash():
    """A dense query during another process's prune returned ids whose document and metadata were
    gone: `hit_from` raised TypeError and the chat showed a bare 'Error' (issue 23 #4)."""
    from rag.index.rows import hits_from

    meta = {"source": "a.txt", "ordinal": 0, "start": 0, "end": 5, "title": "T", "date": "", "publisher": ""}
    hits = hits_from(["c1", "c2", "c3"], ["alive", None, "alive"], [meta, None, None], [0.9, 0.8, 0.7])
    assert [h.chunk.id for h in hits] == ["c1"] and hits[0].score == 0.9


def test_files_of_a_type_no_reader_takes_are_counted_and_named_not_failed(tmp_path):
    import shutil

    folder = tmp_path / "news"
    shutil.copytree(CORPUS, folder)
    (folder / "report.docx").write_bytes(b"PK\x03\x04 not read")
    (folder / "photo.PNG").write_bytes(b"\x89PNG")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")
    (folder / ".hidden.docx").write_bytes(b"PK")
    report = memory_rag(tmp_path).ingest([folder])
    assert report.ok and len(report.added) == 5  # an unknown type is no failure: the exit code stays 0
    assert [line for kind, line in report.notes() if kind == "skipped"] == [
        "2 files of type .docx: no reader takes it (`rag plugins` lists the readers; a plug-in can add one)",
        "1 file of type .png: no reader takes it (`rag plugins` lists the readers; a plug-in can add one)"]
