"""Files the web chat hands to the browser (exports, batch answers, eval reports): each request's
in a folder of its own under one root, removed after an hour so a long-running server does not
fill the disk (Gradio serves its own copy; ours is only needed until it has made it)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(tempfile.gettempdir()) / "newsrag-web"
TTL_S = 3600
_swept = [0.0]  # when old folders were last removed: at most once a minute, not at every request


def scratch_folder(prefix: str) -> Path:
    """A new, empty folder for one request's files."""
    ROOT.mkdir(exist_ok=True)
    if time.time() - _swept[0] >= 60:
        _swept[0] = time.time()
        for old in ROOT.iterdir():
            if time.time() - old.stat().st_mtime > TTL_S:
                shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=ROOT))
