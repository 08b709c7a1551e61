"""Batch: answer a file of questions into JSONL, resumable and tolerant of bad lines."""

from __future__ import annotations

import csv
import itertools
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from rag.errors import InputError, RagError
from rag.ingest.parts import parse_part
from rag.records import Answer, answer_record


@dataclass
class BatchReport:
    answered: int = 0
    skipped: int = 0  # already in the output (resume)
    problems: list[str] = field(default_factory=list)  # unusable lines of the question file, then questions refused

    def summary(self, out: str) -> str:
        """One line of counts, as the CLI and the web chat show it."""
        return f"{self.answered} answered, {self.skipped} already in {out}, {len(self.problems)} skipped"


def read_questions(path: Path, shown: str | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """(id, question) pairs from .jsonl, .csv or .txt, plus one message per unusable line. Messages
    name the file as `shown` (e.g. the name a web upload had, not its temporary path)."""
    name = Path(shown) if shown else path
    if not path.is_file():
        raise InputError(f"{name}: question file not found")
    reader = {".jsonl": _jsonl, ".csv": _csv, ".txt": _txt}.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"{name}: unsupported question file {path.suffix!r} (use .jsonl, .csv or .txt)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    rows, problems = reader(text, name)
    return _dedupe(rows, problems, name), problems


def _jsonl(text: str, path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    rows, problems = [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{n}: not valid JSON ({exc.msg})")
            continue
        q = obj.get("question") if isinstance(obj, dict) else None
        if not isinstance(q, str) or not q.strip():
            problems.append(f"{path}:{n}: field 'question' missing or empty")
            continue
        rows.append((str(obj.get("id") or f"q{n}"), q.strip()))
    return rows, problems


def _csv(text: str, path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    reader = csv.DictReader(text.splitlines())
    try:
        columns = reader.fieldnames or []
    except csv.Error as exc:
        raise InputError(f"{path}:1: cannot read the CSV header ({exc})") from None
    if "question" not in columns:
        raise InputError(f"{path}: no 'question' column (columns: {', '.join(columns) or 'none'})")
    rows, problems = [], []
    for n, row in _records(reader, path, problems):
        _csv_row(row, n, path, rows, problems)
    return rows, problems


def _records(reader: csv.DictReader, path: Path, problems: list[str]) -> Iterator[tuple[int, dict]]:
    """(n, row) for each record that can be read, n counted from 2 as the ids q<n> always were (a
    one-line record's line number). A line that cannot be read (a field over the csv module's 128 KiB
    limit) is named in `problems` and skipped alone, as malformed lines are."""
    for n in itertools.count(2):
        try:
            yield n, next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(f"{path}:{n}: cannot read this CSV line ({exc})")


def _csv_row(row: dict, n: int, path: Path, rows: list, problems: list) -> None:
    q = (row.get("question") or "").strip()
    if not q:
        problems.append(f"{path}:{n}: column 'question' is empty")
    else:
        rows.append(((row.get("id") or "").strip() or f"q{n}", q))


def _txt(text: str, path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    return [(f"q{n}", line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()], []


def _dedupe(rows: list[tuple[str, str]], problems: list[str], path: Path) -> list[tuple[str, str]]:
    seen, out = set(), []
    for qid, q in rows:
        if qid in seen:
            problems.append(f"{path}: id {qid!r} appears more than once; later copies skipped")
            continue
        seen.add(qid)
        out.append((qid, q))
    return out


def shard(rows: list[tuple[str, str]], spec: str | None) -> list[tuple[str, str]]:
    """The rows of shard "K/N" (K counted from 1): every N-th question, so N processes or machines
    sharing one index split a question file without overlap."""
    if spec is None:
        return rows
    part = parse_part(spec, "--shard")
    return rows[part.k - 1::part.n]


def answered_ids(out: Path) -> set[str]:
    """Ids already answered in `out`, which must be a regular file of our answers (or not exist yet).
    A torn last line (a crash mid-write) is cut off, through a temporary file and a rename, so that a
    failed repair leaves the file as it was. Any other file is refused, never changed."""
    data = _read(out)
    if not data:
        return set()
    end = data.rfind(b"\n") + 1
    last = data[end:].strip()
    torn = bool(last) and _answer_id(last) is None  # else the last line is whole, lacking only its newline
    ids = [_answer_id(line) for line in (data[:end] if torn else data).splitlines() if line.strip()]
    if None in ids or (torn and not _torn_answer(last)):
        raise InputError(f"{out}: exists and is not a file of rag batch answers; choose another -o "
                         "(answers are only appended to a file this command wrote)")
    if torn:
        _replace(out, data[:end])
    return set(ids)


def _torn_answer(line: bytes) -> bool:
    """Whether `line` is one of our answer lines cut short: their start (`{"id": `), but not JSON."""
    start = line.lstrip()[:len(_HEAD)]
    if not (start and _HEAD.startswith(start)):
        return False
    try:
        json.loads(line)
    except ValueError:  # not JSON, or not UTF-8
        return True
    return False  # whole JSON, and not one of ours


_HEAD = b'{"id": '  # how json.dumps starts an answer record


def _answer_id(line: bytes) -> str | None:
    """The id of one of our answer lines; None for anything else."""
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    ours = isinstance(record, dict) and {"id", "question", "answer", "citations"} <= record.keys()
    return str(record["id"]) if ours else None


def _read(out: Path) -> bytes:
    """The answers file's bytes (b"" when there is none yet); only a regular file is read: a device
    (/dev/full never ends), a pipe or a folder is refused by name."""
    try:
        info = out.stat()
    except (FileNotFoundError, NotADirectoryError):  # not there yet (writing it will say why it cannot be)
        return b""
    except OSError as exc:
        raise InputError(f"{out}: cannot read the answers file ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{out}: is a folder; give -o a file name, e.g. {out / 'answers.jsonl'}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{out}: not a regular file (a device or a pipe); give -o a file name")
    try:
        return out.read_bytes()
    except OSError as exc:
        raise InputError(f"{out}: cannot read the answers file ({exc.strerror})") from None


def _replace(out: Path, data: bytes) -> None:
    """`out` now holds `data`, or (when writing fails) exactly what it held before."""
    target = out.resolve()  # a link to the answers file stays a link
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{out}: cannot cut the torn last line off the answers file ({exc.strerror}); "
                         "it is unchanged") from None


def run_batch(questions: list[tuple[str, str]], out: Path, ask: Callable[[str, str], Answer],
              progress: Callable[[], None] | None = None, problems: list[str] = (),
              on_start: Callable[[int], None] | None = None) -> BatchReport:
    """Answer each question not yet in `out`, appending one JSON line per answer; the report's
    problems start with `problems` (what reading the question file found). `on_start` learns how
    many questions this run asks and `progress` ticks once for each, so that a bar counts what
    the summary calls answered (or refused), never the questions a resumed run skips."""
    report = BatchReport(problems=list(problems))
    done = answered_ids(out)
    report.skipped = sum(qid in done for qid, _ in questions)
    if on_start:
        on_start(len(questions) - report.skipped)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = out.open("a", encoding="utf-8")
        if fh.tell() and not _ends_with_newline(out):
            fh.write("\n")
    except OSError as exc:
        raise InputError(f"{out}: cannot write the answers file ({exc.strerror})") from None
    with fh:
        for qid, question in questions:
            if qid not in done:
                _answer_one(qid, question, ask, fh, report)
                if progress:
                    progress()
    return report


def _ends_with_newline(out: Path) -> bool:
    with out.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _answer_one(qid: str, question: str, ask: Callable[[str, str], Answer], fh, report: BatchReport) -> None:
    try:
        answer = ask(question, qid)
    except InputError as exc:
        report.problems.append(f"question {qid!r}: {exc}")
        return
    except RagError:
        raise  # the index or model is unusable: stop, the file stays resumable
    fh.write(json.dumps(answer_record(answer), ensure_ascii=False) + "\n")
    fh.flush()
    report.answered += 1
