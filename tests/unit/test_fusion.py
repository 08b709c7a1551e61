"""Dense, BM25 and hybrid retrieval on a real index: modes, filters, persistence, reprints."""


from rag.records import Chunk, Hit
from rag.retrieve.fusion import reciprocal_rank_fusion

TROOPS = "How many Russian troops are stationed in Tajikistan?"


def hit(cid: str) -> Hit:
    return Hit(Chunk(cid, "s", 0, cid, 0, 1), 0.5, "t", None, None)


def test_rrf_by_hand_and_identity_is_the_chunk_id():
    a, b, c = hit("a"), hit("b"), hit("c")
    # a: 1/61 + 1/62, b: 1/62 + 1/61, c: 1/63 -> a and b tie (first seen wins), c last
    assert [h.chunk.id for h in reciprocal_rank_fusion([[a, b, c], [b, a]])] == ["a", "b", "c"]
    assert [h.chunk.id for h in reciprocal_rank_fusion([[c], [a, c]])] == ["c", "a"]
