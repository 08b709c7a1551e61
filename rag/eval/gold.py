"""Gold sets: load and validate JSONL or CSV question sets (format in eval/README.md)."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError
from rag.records import ANSWERED, DECLINED, PASSAGES

OUTCOMES = (ANSWERED, PASSAGES, DECLINED)


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    answerable: bool
    gold_sources: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    reference: str = ""
    key_facts: tuple[str, ...] = ()
    kind: str = "fact"
    follows: str | None = None
    standalone: str | None = None
    synthetic: bool = False
    expected: str = ""  # the outcome a reader should get: answered | passages | declined (default: by `answerable`)
    wrong_facts: tuple[str, ...] = ()  # facts a right answer must not hold (another year's figure)
    same_story: tuple[str, ...] = ()  # copies of one story: a right answer cites one and names the others


def load_gold(path: Path) -> list[GoldItem]:
    """Read a gold set; a bad row raises InputError naming the file, line and field."""
    if not path.is_file():
        raise InputError(f"{path}: gold set not found")
    rows = _jsonl_rows(path) if path.suffix.lower() == ".jsonl" else _csv_rows(path) if path.suffix.lower() == ".csv" else None
    if rows is None:
        raise InputError(f"{path}: gold sets are .jsonl or .csv, not {path.suffix!r}")
    items = [_item(row, f"{path}:{line}") for line, row in rows]
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise InputError(f"{path}: id {dup!r} appears more than once")
    if not items:
        raise InputError(f"{path}: no questions")
    return items


def _jsonl_rows(path: Path) -> list[tuple[int, dict]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return rows


def _csv_rows(path: Path) -> list[tuple[int, dict]]:
    # CSV lists use ';' inside a cell: gold_sources, evidence, key_facts.
    rows = []
    for n, row in enumerate(csv.DictReader(path.read_text(encoding="utf-8").splitlines()), 2):
        for key in ("gold_sources", "evidence", "key_facts", "wrong_facts", "same_story"):
            row[key] = [x.strip() for x in (row.get(key) or "").split(";") if x.strip()]
        row["answerable"] = (row.get("answerable") or "true").strip().lower() in ("1", "true", "yes")
        rows.append((n, row))
    return rows


def _item(row: dict, where: str) -> GoldItem:
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected an object")
    question = row.get("question")
    if not isinstance(question, str) or not question.strip():
        raise InputError(f"{where}: field 'question' missing or empty")
    answerable = row.get("answerable", True)
    if not isinstance(answerable, bool):
        raise InputError(f"{where}: field 'answerable' must be true or false, got {answerable!r}")
    lists = {k: row.get(k) or [] for k in ("gold_sources", "evidence", "key_facts", "wrong_facts", "same_story")}
    for key, value in lists.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{where}: field {key!r} must be a list of strings")
    if answerable and not lists["gold_sources"]:
        raise InputError(f"{where}: an answerable question needs 'gold_sources'")
    expected = row.get("expected") or ("answered" if answerable else "declined")
    if expected not in OUTCOMES:
        raise InputError(f"{where}: field 'expected' must be one of {', '.join(OUTCOMES)}, got {expected!r}")
    return GoldItem(
        id=str(row.get("id") or where.rsplit(":", 1)[-1]), question=question.strip(), answerable=answerable,
        gold_sources=tuple(lists["gold_sources"]), evidence=tuple(lists["evidence"]),
        reference=str(row.get("reference") or ""), key_facts=tuple(lists["key_facts"]),
        kind=str(row.get("kind") or "fact"), follows=row.get("follows"), standalone=row.get("standalone"),
        synthetic=bool(row.get("synthetic", False)), expected=expected,
        wrong_facts=tuple(lists["wrong_facts"]), same_story=tuple(lists["same_story"]),
    )
