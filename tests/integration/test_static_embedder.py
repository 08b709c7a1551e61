"""The static backend (issue 27 #3): token vectors distilled offline from the packaged MiniLM with
model2vec, on first use, never downloaded; an index built with it answers, says so, and refuses the default."""

import os
import subprocess
import sys

import numpy as np
import pytest
from helpers import CORPUS, make_rag

from rag.embed import make_embedder
from rag.errors import IndexMismatchError
from rag.settings import DEFAULT_MODEL

TROOPS = "How many Russian troops are stationed in Tajikistan?"


@pytest.fixture(scope="module")
def static(tmp_path_factory):
    return make_embedder(DEFAULT_MODEL, "static", 8, tmp_path_factory.mktemp("models"))


def test_it_is_distilled_offline_and_keeps_meaning(static):
    vecs = static.embed(["Russian troops in Tajikistan", "About 7,000 Russian soldiers are based in Tajikistan",
                         "The flood killed 16 people"])
    assert vecs.shape == (3, 256) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert float(vecs[0] @ vecs[1]) > float(vecs[0] @ vecs[2]) + 0.3  # near in meaning, far apart otherwise
    assert static._folder.startswith(str(static._cache_dir)) and static._folder.endswith("static-256")  # made here


def test_a_texts_vector_does_not_depend_on_its_batch(static):
    alone = static.encode(["Russia keeps about 7,000 troops at its base."])[0]
    batched = static.encode(["A much longer text about something else entirely, with many more words in it.",
                             "Russia keeps about 7,000 troops at its base."])[1]
    assert np.allclose(alone, batched, atol=1e-6)


def test_an_index_built_static_answers_says_so_and_refuses_the_default(tmp_path):
    rag = make_rag(tmp_path / "index", embedding_backend="static")
    assert rag.ingest([CORPUS]).ok
    stats = rag.stats()
    assert (stats["embedding_backend"], stats["embedding_dimensions"]) == ("static", 256)
    assert "7,000" in rag.ask(TROOPS).text
    with pytest.raises(IndexMismatchError, match="embedding_backend='static'.*rebuild"):
        make_rag(tmp_path / "index").ask(TROOPS)


def test_setup_makes_it_ready_ahead(tmp_path):
    env = {**os.environ, "RAG_EMBEDDING_BACKEND": "static", "RAG_MODEL_CACHE": str(tmp_path / "cache"),
           "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "rag.embed"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "embedding model ready" in done.stdout, done.stderr[-2000:]
    assert list((tmp_path / "cache").rglob("static-256/model.safetensors"))
