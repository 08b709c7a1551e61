"""Unit tier: pure logic with fakes (an in-memory index, a hashing embedder); no model, no Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import CORPUS, memory_rag

from rag.service import Rag


@pytest.fixture
def sample_memory(tmp_path: Path) -> Rag:
    """The sample corpus in an in-memory index, embedded by the hashing embedder."""
    rag = memory_rag(tmp_path)
    rag.ingest([CORPUS])
    return rag
