"""The files and folders an index was built from, kept beside it so that it can be rebuilt even
when Chroma's own files cannot be read (`rag doctor --repair`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

INPUTS_NAME = "inputs.json"


def record_inputs(index_dir: Path, paths: list[Path], upload_dir: Path) -> None:
    """Add `paths` to the record; uploads are recorded as their folder."""
    uploads = upload_dir.expanduser().absolute().resolve()
    given = {str(uploads) if uploads in p.parents else str(p) for p in _absolute(paths)}
    merged = sorted(set(map(str, recorded_inputs(index_dir))) | given)
    tmp = index_dir / f".{INPUTS_NAME}.tmp"
    tmp.write_text(json.dumps({"inputs": merged}, indent=1))
    os.replace(tmp, index_dir / INPUTS_NAME)  # never half a file


def recorded_inputs(index_dir: Path) -> list[Path]:
    """The recorded inputs (missing or unreadable record: none)."""
    try:
        return [Path(p) for p in json.loads((index_dir / INPUTS_NAME).read_text())["inputs"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _absolute(paths: list[Path]) -> list[Path]:
    return [p.expanduser().absolute().resolve() for p in paths if p.exists()]
