"""The packaged model embeds offline (torch and ONNX); cached vectors are the model's own; a bad model
path is named; an index refuses vectors from another backend."""

import numpy as np
import pytest
from helpers import CORPUS, make_rag

from rag.embed import make_embedder
from rag.embed.sentence_transformer import SentenceTransformerEmbedder
from rag.errors import ConfigError, IndexMismatchError
from rag.settings import DEFAULT_MODEL

STUDENTS = "002_3e4b70f7a6e2aa7f.txt"


def test_cached_vectors_equal_fresh_ones_and_are_normalised():
    e = SentenceTransformerEmbedder()
    texts = ["Russia keeps 7,000 troops in Tajikistan.", "The bridge carries trucks.", "Russia keeps 7,000 troops in Tajikistan."]
    cached = e.embed(texts)
    assert cached.shape == (3, 384) and np.allclose(cached[0], cached[2])
    assert np.allclose(cached, e.encode(texts), atol=1e-5)
    assert np.allclose(np.linalg.norm(cached, axis=1), 1.0, atol=1e-4)
    assert float(cached[0] @ cached[1]) < 0.6


def test_an_unknown_model_name_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="not a sentence-transformers model folder"):
        SentenceTransformerEmbedder(str(tmp_path / "nope"))


TEXTS = [
    "Russia keeps 7,000 troops in Tajikistan.",
    "He pointed out that 21,000 students from Tajikistan were receiving higher education in Russia.",
    "The bridge carries trucks across the Panj river. " * 30,  # over the 256-token window: truncated alike
    "Ok.",
]


@pytest.mark.parametrize("backend,floor", [("onnx", 0.9999), ("onnx-int8", 0.95)])  # int8 drifts most on very short texts
def test_onnx_backends_give_the_torch_models_vectors(tmp_path, backend, floor):
    torch_vecs = SentenceTransformerEmbedder().encode(TEXTS)
    onnx = make_embedder(DEFAULT_MODEL, backend, 2, tmp_path / "models")  # batches of 2 mix lengths
    vecs = onnx.encode(TEXTS)
    assert vecs.shape == torch_vecs.shape == (4, 384)
    assert float((vecs * torch_vecs).sum(1).min()) >= floor
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert list(tmp_path.glob("models/*/model*.onnx"))  # exported once, into the model cache


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_a_texts_vector_does_not_depend_on_the_texts_embedded_beside_it(tmp_path, backend):
    # It did for int8 (cosine 0.979): a cached sentence vector, and so an answer, depended on
    # which question had been asked before in the same process.
    onnx = make_embedder(DEFAULT_MODEL, backend, 8, tmp_path / "models")
    alone = np.stack([onnx.encode([t])[0] for t in TEXTS])
    assert float((onnx.encode(TEXTS) * alone).sum(1).min()) > 0.9999
    assert float((onnx.encode(TEXTS[::-1])[::-1] * alone).sum(1).min()) > 0.9999


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_many_texts_embedded_on_every_core_get_the_vectors_of_one_core(tmp_path, backend):
    texts = [f"{t} ({n})" for n, t in enumerate(TEXTS * 6)]
    one = make_embedder(DEFAULT_MODEL, backend, 2, tmp_path / "models", threads=1)
    every = make_embedder(DEFAULT_MODEL, backend, 2, tmp_path / "models", threads=2)
    assert one.lanes == 1 and every.lanes == 2
    assert np.array_equal(every.encode(texts), one.encode(texts))  # bit for bit, in the texts' order


def test_onnx_knows_the_models_window_as_torch_does(tmp_path):
    torch_e = SentenceTransformerEmbedder()
    onnx = make_embedder(DEFAULT_MODEL, "onnx-int8", 32, tmp_path / "models")
    for text in ["word " * n for n in (10, 253, 254, 255, 300)]:
        assert onnx.fits(text) == torch_e.fits(text), len(text)


def test_an_index_built_with_one_backend_refuses_another(tmp_path):
    make_rag(tmp_path / "index", embedding_backend="torch").ingest([CORPUS / STUDENTS])
    with pytest.raises(IndexMismatchError, match="embedding_backend='torch'.*rebuild"):
        make_rag(tmp_path / "index", embedding_backend="onnx-int8").ask("How many students?")
