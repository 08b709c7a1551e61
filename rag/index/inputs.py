"""The files and folders an index was built from, kept beside it so that it can be rebuilt even
when Chroma's own files cannot be read (`rag doctor --repair`), with the columns (`--fields`) its
article collections were read with, so that a re-index reads them alike."""

from __future__ import annotations

import json
import os
from pathlib import Path

INPUTS_NAME = "inputs.json"


def record_inputs(index_dir: Path, paths: list[Path], upload_dir: Path, fields: dict[str, str] | None = None) -> None:
    """Add `paths` to the record, with the `fields` their collections were read with when given;
    uploads are recorded as their folder."""
    uploads = upload_dir.expanduser().absolute().resolve()
    named = _absolute(paths)
    given = {str(uploads) if uploads in p.parents else str(p) for p in named}
    merged = sorted(set(map(str, recorded_inputs(index_dir))) | given)
    columns = {**recorded_fields(index_dir), **(dict.fromkeys(map(str, named), fields) if fields else {})}
    tmp = index_dir / f".{INPUTS_NAME}.tmp"
    tmp.write_text(json.dumps({"inputs": merged, "fields": columns}, indent=1))
    os.replace(tmp, index_dir / INPUTS_NAME)  # never half a file


def recorded_inputs(index_dir: Path) -> list[Path]:
    """The recorded inputs (missing or unreadable record: none)."""
    inputs = _read(index_dir).get("inputs")
    return [Path(p) for p in inputs if isinstance(p, str)] if isinstance(inputs, list) else []


def recorded_fields(index_dir: Path) -> dict[str, dict[str, str]]:
    """path (a collection, or a folder of them) -> the --fields it was last ingested with."""
    found = _read(index_dir).get("fields")
    return found if isinstance(found, dict) else {}


def _read(index_dir: Path) -> dict:
    try:
        data = json.loads((index_dir / INPUTS_NAME).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _absolute(paths: list[Path]) -> list[Path]:
    return [p.expanduser().absolute().resolve() for p in paths if p.exists()]
