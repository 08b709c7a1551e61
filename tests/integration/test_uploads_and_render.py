"""Uploads (names, content checks), corpus management, and the chat's HTML rendering."""

import pytest
from helpers import make_rag

from rag.errors import InputError


def test_delete_and_reindex(tmp_path, corpus_copy):
    rag = make_rag(tmp_path / "index")
    rag.ingest([corpus_copy])
    rag.delete("004_d3314de6100c5788.txt")
    assert rag.stats()["documents"] == 4
    assert all(h.chunk.source != "004_d3314de6100c5788.txt" for h in rag.retriever.retrieve("Taliban tanks", 10))
    with pytest.raises(InputError, match="'nope.txt' is not in the index"):
        rag.delete("nope.txt")
    (corpus_copy / "001_4ecbdd51a9200624.txt").unlink()
    report = rag.reindex()
    assert report.added == ["004_d3314de6100c5788.txt"] and report.pruned == ["001_4ecbdd51a9200624.txt"]


def test_uploads_are_indexed_and_deleting_one_removes_its_kept_file(tmp_path):
    from rag.ingest.uploads import ingest_uploads

    rag = make_rag(tmp_path / "index", upload_dir=tmp_path / "uploads")
    good = tmp_path / "tmp1"
    good.write_text("Dushanbe opens a metro\n\nThe metro will have nine stations, the mayor said on Monday.")
    bad = tmp_path / "tmp2"
    bad.write_bytes(b"")
    report = ingest_uploads(rag, [(good, "../metro.txt"), (bad, "empty.md")])
    assert report.indexed == ["metro.txt"] and report.refused == ["empty.md: empty file"] and report.already == []
    assert "nine stations" in rag.ask("How many stations will the Dushanbe metro have?").text
    report = ingest_uploads(rag, [(good, "metro (1).txt"), (good, "metro.txt")])  # the same article uploaded again
    assert report.indexed == [] and report.refused == []
    assert report.already == ["metro_1_.txt: same content as 'metro.txt'", "metro.txt: same content as 'metro.txt'"]
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["metro.txt"]
    rag.delete("metro.txt")
    assert not (tmp_path / "uploads" / "metro.txt").exists() and rag.stats()["documents"] == 0
