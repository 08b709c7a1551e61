"""A plug-in installed from a folder adds a file reader: the README's own example, installed with pip
and used by `rag ingest`, `rag show` and `rag plugins` in fresh processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from helpers import ROOT

LETTER = """From: Dushanbe Weekly <news@example.org>
Subject: Border talks resume
Date: Tue, 02 Mar 2021 09:15:00 +0000
Content-Type: text/plain; charset=utf-8

Officials from Tajikistan and Kyrgyzstan met in Dushanbe on Monday to resume talks on the border.
The two delegations agreed to meet again in April.
"""
NO_TEXT = """From: a@example.org
Subject: A picture only
Content-Type: image/png

iVBORw0KGgo=
"""


def readme_block(lang: str, after: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(rf"```{lang}\n(.*?)```", readme[readme.index(after):], re.S).group(1)


def rag(*args: str, site: Path, index: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site), "RAG_INDEX_DIR": str(index), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([str(Path(sys.executable).parent / "rag"), *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_the_readmes_reader_plugin_installs_and_ingests_newsletters(tmp_path):
    package, site, corpus = tmp_path / "newsrag-eml", tmp_path / "site", tmp_path / "corpus"
    package.mkdir()
    (package / "newsrag_eml.py").write_text(readme_block("python", "A reader for e-mailed newsletters"))
    (package / "pyproject.toml").write_text(readme_block("toml", "A reader for e-mailed newsletters"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "--target", str(site), str(package)], check=True, capture_output=True, timeout=300)
    corpus.mkdir()
    (corpus / "letter.eml").write_text(LETTER)
    (corpus / "picture.eml").write_text(NO_TEXT)

    listed = rag("plugins", site=site, index=tmp_path / "index")
    assert re.search(r"reader +eml +e-mailed newsletters \(\.eml\) +\[plug-in newsrag-eml\]", listed.stdout)
    ingested = rag("ingest", str(corpus), site=site, index=tmp_path / "index")
    assert ingested.returncode == 1, ingested.stderr  # one file could not be used, and is named
    assert "picture.eml: no plain-text part in this e-mail" in ingested.stderr
    assert "1 added" in ingested.stdout
    shown = json.loads(rag("show", "letter.eml", "--json", site=site, index=tmp_path / "index").stdout)
    assert (shown["title"], shown["date"], shown["publisher"]) == ("Border talks resume", "2021-03-02", "Dushanbe Weekly")
    assert "agreed to meet again in April" in shown["text"]

    without = rag("ingest", str(corpus / "letter.eml"), site=tmp_path / "nothing", index=tmp_path / "index2")
    assert "unsupported file type '.eml'" in without.stderr  # the reader came from the plug-in


def test_the_memory_index_backend_answers_and_keeps_nothing_on_disk(tmp_path):
    from helpers import CORPUS, make_rag

    rag = make_rag(tmp_path / "index", index_backend="memory")
    assert len(rag.ingest([CORPUS]).added) == 5
    answer = rag.ask("How many Russian troops are stationed in Tajikistan?")
    assert not answer.abstained and answer.citations
    assert not (tmp_path / "index").exists() or not any((tmp_path / "index").iterdir())
