"""`rag batch` files: answers resume only in a file of our answers; any other file is refused untouched."""

from __future__ import annotations

import json

import pytest

from rag.errors import InputError
from rag.records import Answer
from rag.service.batch import read_questions, run_batch

QUESTIONS = [("q1", "How many troops?"), ("q2", "Where is the base?")]


def ask(question: str, qid: str) -> Answer:
    return Answer(question, f"answer to {question}", abstained=True, id=qid)


def test_a_rerun_resumes_and_cuts_a_torn_last_line(tmp_path):
    out = tmp_path / "answers.jsonl"
    assert run_batch(QUESTIONS[:1], out, ask).answered == 1
    with out.open("a") as fh:
        fh.write('{"id": "q2", "quest')  # a crash mid-write
    report = run_batch(QUESTIONS, out, ask)
    assert (report.skipped, report.answered) == (1, 1)
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["q1", "q2"]


@pytest.mark.parametrize("content", [b"my notes\nabout the troops\nlast line without newline",
                                     b"\x89PNG\r\n\x1a\n\x00\x00binary", b'{"id": 1}\n'])
def test_a_file_that_is_not_our_answers_is_refused_and_left_alone(tmp_path, content):
    out = tmp_path / "notes.jsonl"
    out.write_bytes(content)
    with pytest.raises(InputError, match="notes.jsonl: exists and is not a file of rag batch answers"):
        run_batch(QUESTIONS, out, ask)
    assert out.read_bytes() == content


def test_a_folder_or_unwritable_output_is_named(tmp_path):
    with pytest.raises(InputError, match="is a folder; give -o a file name"):
        run_batch(QUESTIONS, tmp_path, ask)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot write the answers file"):
        run_batch(QUESTIONS, blocker / "answers.jsonl", ask)


def test_a_csv_field_too_long_to_parse_skips_only_its_line_and_names_it(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text("id,question\na,How many troops?\nb," + "x" * 10_000_000 + "\nc,Where is the base?\n")
    rows, problems = read_questions(path)
    assert rows == [("a", "How many troops?"), ("c", "Where is the base?")]
    assert len(problems) == 1 and problems[0].startswith(f"{path}:3: cannot read this CSV line (field larger than")


def test_messages_name_the_file_as_uploaded_not_its_temporary_path(tmp_path):
    path = tmp_path / "gradio" / "0a1b2c" / "upload.csv"
    path.parent.mkdir(parents=True)
    path.write_text("id,text\na,b\n")
    with pytest.raises(InputError) as caught:
        read_questions(path, "my questions.csv")
    assert str(caught.value).startswith("my questions.csv: no 'question' column") and "gradio" not in str(caught.value)


@pytest.mark.parametrize("content", [b'{"name": "x"}', b'{"id": "q1"}', b'{"name": "x"}\n{"id": "q1", "quest'])
def test_a_last_line_that_is_not_a_torn_answer_is_refused_and_left_alone(tmp_path, content):
    out = tmp_path / "config.jsonl"
    out.write_bytes(content)
    with pytest.raises(InputError, match="config.jsonl: exists and is not a file of rag batch answers"):
        run_batch(QUESTIONS, out, ask)
    assert out.read_bytes() == content


def test_other_lines_before_a_whole_last_answer_are_refused(tmp_path):
    out = tmp_path / "answers.jsonl"
    run_batch(QUESTIONS[:1], out, ask)
    content = b"my notes\n" + out.read_bytes().rstrip(b"\n")  # a whole answer last, without its newline
    out.write_bytes(content)
    with pytest.raises(InputError, match="exists and is not a file of rag batch answers"):
        run_batch(QUESTIONS, out, ask)
    assert out.read_bytes() == content
