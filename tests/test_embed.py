"""The packaged model embeds offline; cached vectors are the model's own; a bad model path is named."""

import numpy as np
import pytest

from rag.embed import SentenceTransformerEmbedder
from rag.errors import ConfigError


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
