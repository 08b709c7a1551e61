"""Several ingest processes writing one archive into one real `chroma run` on loopback (rag ingest
--workers N, --part K/N): nothing lost, nothing doubled, and every keyword index catches up."""

import json
import os
import subprocess
import sys
from pathlib import Path

from files import write_stories
from helpers import make_rag

RAG = Path(sys.executable).parent / "rag"
TOWNS = ["Khujand", "Kulob", "Bokhtar", "Isfara", "Vahdat"]


def write_rows(path: Path, count: int) -> dict[str, str]:
    """A collection of `count` rows, each with a fact no other row states: {FILE#ID: a question it answers}."""
    questions, lines = {}, []
    for n in range(count):
        town, tonnes = TOWNS[n % len(TOWNS)], 500 + 11 * n
        lines.append(json.dumps({"id": f"w{n}", "title": f"Grain barge {n} docks at {town}", "date": "2021-03-04",
                                 "outlet": "Harbor Times", "text": f"Grain barge number {n} unloaded {tonnes:,} "
                                 f"tonnes of wheat at {town} on Tuesday, port officials said. The crew of barge "
                                 f"{n} had sailed for nine days."}))
        questions[f"{path.name}#w{n}"] = f"How many tonnes of wheat did grain barge number {n} unload?"
    path.write_text("\n".join(lines) + "\n")
    return questions


def rag_cli(*args: str, local: Path, server: str, wait: bool = True):
    env = {**os.environ, "RAG_CHROMA_URL": server, "RAG_INDEX_DIR": str(local), "HF_HUB_OFFLINE": "1"}
    argv = [str(RAG), *args]
    if wait:
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def check_whole(reader, expected: set[str]) -> None:
    """Every article once, every chunk once, and the reader's keyword index holding exactly the chunks."""
    store = reader.index.store
    ids = store.chunk_id_list()
    assert len(ids) == len(set(ids))
    assert {a.source for a in reader.index.articles()} == expected
    reader.index.refresh()
    assert sorted(reader.index.words.state.row) == sorted(ids)


def test_workers_ingest_an_archive_into_one_server_without_losing_or_doubling(tmp_path, chroma_server):
    questions = write_rows(tmp_path / "barges.jsonl", 120)
    stories = write_stories(tmp_path / "stories", 30)
    done = rag_cli("ingest", str(tmp_path / "barges.jsonl"), str(tmp_path / "stories"), "--workers", "2",
                   local=tmp_path / "here", server=chroma_server)
    assert done.returncode == 0, done.stderr
    assert "150 added, 0 updated, 0 unchanged" in done.stdout
    reader = make_rag(tmp_path / "elsewhere", chroma_url=chroma_server)  # another machine, no keyword index yet
    check_whole(reader, set(questions) | set(stories))
    assert f"; {reader.stats()['chunks']} chunks embedded, 0 reused" in done.stdout  # each chunk by one worker
    revision = reader.index.store.revision()
    assert make_rag(tmp_path / "here", chroma_url=chroma_server).index.words.stored_revision() == revision
    answer = reader.ask(questions["barges.jsonl#w77"])
    assert "1,347" in answer.text and answer.citations[0].source == "barges.jsonl#w77"
    again = rag_cli("ingest", str(tmp_path / "barges.jsonl"), str(tmp_path / "stories"), "--workers", "3",
                    local=tmp_path / "here", server=chroma_server)
    assert "0 added, 0 updated, 150 unchanged" in again.stdout, again.stderr


def test_two_machines_ingest_their_parts_at_once_and_each_catches_up_with_the_other(tmp_path, chroma_server):
    questions = write_rows(tmp_path / "barges.jsonl", 160)
    first = make_rag(tmp_path / "one", chroma_url=chroma_server)
    first.ingest([tmp_path / "barges.jsonl"], part=_part(1, 2))  # index created; machine one's keyword index saved
    running = [rag_cli("ingest", str(tmp_path / "barges.jsonl"), "--part", f"{k}/2", "--prune",
                       local=tmp_path / f"machine{k}", server=chroma_server, wait=False) for k in (1, 2)]
    outs = [p.communicate(timeout=600) for p in running]
    assert [p.returncode for p in running] == [0, 0], outs
    added = [int(out.split(" added")[0].split()[-1]) for out, _ in outs]
    assert added[0] == 0 and 0 < added[1] < 160  # part 1 was already there; part 2 is the rest
    check_whole(make_rag(tmp_path / "three", chroma_url=chroma_server), set(questions))
    row = next(s for s in questions if not _part(1, 2).holds(s))  # written by the other machine
    answer = first.ask(questions[row])
    assert answer.citations and answer.citations[0].source == row


def test_workers_refuse_a_local_index(tmp_path):
    done = subprocess.run([str(RAG), "ingest", str(tmp_path), "--workers", "2"], capture_output=True, text=True,
                          env={**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index"), "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 2 and "--workers needs a Chroma server (chroma_url)" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "index").exists()


def _part(k: int, n: int):
    from rag.ingest.parts import Part

    return Part(k, n)
