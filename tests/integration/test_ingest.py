"""Ingestion into a real Chroma in a temp dir: reopen, idempotency, changes, prune, failures."""

import os
import shutil

import pytest
from files import write_broken
from helpers import CORPUS, make_rag

from rag.errors import IndexBusyError, IndexMismatchError, StoreError

STUDENTS = "002_3e4b70f7a6e2aa7f.txt"


def chunk_ids(rag):
    return sorted(rag.index.store.chunks.get(include=[])["ids"])


def test_ingest_then_reopen_in_a_new_process_state(tmp_path, corpus_copy):
    first = make_rag(tmp_path / "index")
    report = first.ingest([corpus_copy])
    assert sorted(report.added) == sorted(p.name for p in CORPUS.iterdir()) and report.ok
    reopened = make_rag(tmp_path / "index")  # a fresh client on the same folder
    stats = reopened.stats()
    assert (stats["documents"], stats["chunks"]) == (5, report.chunks_embedded)
    meta = reopened.index.store.chunks.get(limit=1, include=["metadatas"])["metadatas"][0]
    assert {"source", "title", "date", "publisher", "ordinal", "start", "end"} <= set(meta)
    article = reopened.index.store.get_article(STUDENTS)
    assert article.date == "2017-02-27" and article.publisher == "Itar Tass"


def test_reingest_unchanged_embeds_and_writes_nothing(tmp_path, corpus_copy):
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus_copy])
    before = chunk_ids(rag)
    for f in corpus_copy.iterdir():  # new timestamps alone must not trigger re-embedding
        os.utime(f, (1, 1))
    again = rag.ingest([corpus_copy])
    assert (again.chunks_embedded, len(again.unchanged), again.added, again.updated) == (0, 5, [], [])
    assert chunk_ids(rag) == before and len(set(before)) == len(before)


def test_changed_file_replaces_its_chunks_and_reuses_unchanged_ones(tmp_path, corpus_copy):
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus_copy])
    old = set([c.id for c in rag.index.chunks_of(STUDENTS)])
    path = corpus_copy / STUDENTS
    path.write_text(path.read_text().replace("21,000 students", "23,500 students"))
    report = rag.ingest([corpus_copy])
    new = set([c.id for c in rag.index.chunks_of(STUDENTS)])
    assert report.updated == [STUDENTS] and report.chunks_reused > 0 and report.chunks_embedded >= 1
    assert old - new and not (set(chunk_ids(rag)) & (old - new))  # replaced chunks are gone
    answer = rag.ask("How many students from Tajikistan study in Russia?")
    assert "23,500" in answer.text and "21,000" not in answer.text


def test_prune_removes_articles_whose_files_are_gone(tmp_path, corpus_copy):
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus_copy])
    (corpus_copy / STUDENTS).unlink()
    kept = rag.ingest([corpus_copy])
    assert kept.pruned == [] and rag.stats()["documents"] == 5  # without --prune nothing is removed
    pruned = rag.ingest([corpus_copy], prune=True)
    assert pruned.pruned == [STUDENTS]
    assert rag.stats()["documents"] == 4 and [c.id for c in rag.index.chunks_of(STUDENTS)] == []


def test_broken_files_beside_good_ones_lose_nothing(tmp_path, corpus_copy):
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus_copy])
    before = chunk_ids(rag)
    broken = write_broken(corpus_copy / "broken")
    report = rag.ingest([corpus_copy])
    assert sorted(p for p, _ in report.failed) == sorted(str(p) for p in broken.values())
    assert len(report.unchanged) == 5 and chunk_ids(rag) == before


def test_article_without_its_record_is_redone_without_reembedding(tmp_path, corpus_copy):
    # A crash after the chunks but before the article record: the record is the "done" mark.
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus_copy])
    rag.index.store.articles.delete(ids=[STUDENTS])
    report = rag.ingest([corpus_copy])
    assert report.added == [STUDENTS] and report.chunks_embedded == 0 and report.chunks_reused > 0
    assert rag.stats()["documents"] == 5


def test_mismatched_settings_are_refused_with_the_fix(tmp_path, corpus_copy):
    make_rag(tmp_path / "index").ingest([corpus_copy])
    other = make_rag(tmp_path / "index", chunk_size=300)
    with pytest.raises(IndexMismatchError, match=r"chunk_size=256 \(settings: 300\).*rag ingest --rebuild"):
        other.ask("How many troops?")
    with pytest.raises(IndexMismatchError):
        other.ingest([corpus_copy])
    assert make_rag(tmp_path / "index").stats()["chunks"] > 0  # the refusal lost nothing
    rebuilt = other.ingest([corpus_copy], rebuild=True)
    assert len(rebuilt.added) == 5 and other.stats()["chunk_size"] == 300


def test_asking_before_any_ingest_says_what_to_do(tmp_path):
    with pytest.raises(StoreError, match="run `rag ingest corpus/` first"):
        make_rag(tmp_path / "empty").ask("How many troops?")


def test_second_writer_is_told_the_index_is_busy(tmp_path, corpus_copy):
    rag = make_rag(tmp_path / "index")
    with rag.index.store.writing():
        with pytest.raises(IndexBusyError, match="busy"):
            make_rag(tmp_path / "index").ingest([corpus_copy])


def test_files_are_parsed_before_the_write_lock_is_taken(tmp_path, corpus_copy):
    # A big page parses for seconds: another writer (an upload) must not be locked out meanwhile.
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus_copy])
    (corpus_copy / STUDENTS).write_text((corpus_copy / STUDENTS).read_text() + "\nA line added later.\n")
    broken = write_broken(corpus_copy / "broken")
    read, free = [], []

    def reading(source):
        read.append(source)
        with make_rag(tmp_path / "index").index.store.writing():  # raises IndexBusyError while the lock is held
            free.append(source)

    report = rag.ingest([corpus_copy], reading=reading)
    assert STUDENTS in read and free == read  # unchanged files are not read at all
    assert report.updated == [STUDENTS] and len(report.unchanged) == 4
    assert sorted(p for p, _ in report.failed) == sorted(str(p) for p in broken.values())


def test_single_file_and_nested_folders(tmp_path, corpus_copy):
    nested = corpus_copy / "2021" / "may"
    nested.mkdir(parents=True)
    shutil.move(corpus_copy / "000_7fcf803510b2e5fd.txt", nested / "lavrov.txt")
    rag = make_rag(tmp_path / "index")
    report = rag.ingest([corpus_copy])
    assert "2021/may/lavrov.txt" in report.added
    single = make_rag(tmp_path / "index2").ingest([corpus_copy / STUDENTS])
    assert single.added == [STUDENTS]


def test_the_same_file_under_other_names_is_one_document(tmp_path, corpus_copy):
    shutil.copy(corpus_copy / STUDENTS, corpus_copy / "zz-copy.txt")
    (corpus_copy / "sub").mkdir()
    shutil.copy(corpus_copy / STUDENTS, corpus_copy / "sub" / "again.txt")
    rag = make_rag(tmp_path / "index")
    report = rag.ingest([corpus_copy])
    assert sorted(report.duplicates) == [("sub/again.txt", STUDENTS), ("zz-copy.txt", STUDENTS)]
    assert rag.stats()["documents"] == 5
    answer = rag.ask("How many students from Tajikistan study in Russia?")
    assert {c.source for c in answer.citations} == {STUDENTS}  # cited once, not three times
    # Editing the original leaves the copies holding the old text: now they are a document of their own.
    path = corpus_copy / STUDENTS
    path.write_text(path.read_text().replace("21,000 students", "23,500 students"))
    again = rag.ingest([corpus_copy])
    assert again.updated == [STUDENTS] and again.added == ["sub/again.txt"]
    assert again.duplicates == [("zz-copy.txt", "sub/again.txt")] and rag.stats()["documents"] == 6
