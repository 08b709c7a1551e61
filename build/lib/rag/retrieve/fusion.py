"""Fusion and diversity for retrieved chunks.

Our own reciprocal-rank fusion rather than llama-index's QueryFusionRetriever: that one merges
results by content hash, so the same wire story reprinted by two outlets collapses into one hit
and the second outlet can no longer be cited. Here identity is the chunk id.
"""

from __future__ import annotations

import re

from rag.records import Hit

RRF_K = 60  # the constant from Cormack et al. (2009)
NEAR_DUPLICATE = 0.6  # word-trigram Jaccard above which two chunks say the same thing


def reciprocal_rank_fusion(rankings: list[list[Hit]]) -> list[Hit]:
    """Hits ordered by the sum of 1/(RRF_K + rank) over the rankings; ties keep first-seen order."""
    fused: dict[str, float] = {}
    first: dict[str, Hit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, 1):
            fused[hit.chunk.id] = fused.get(hit.chunk.id, 0.0) + 1.0 / (RRF_K + rank)
            first.setdefault(hit.chunk.id, hit)
    return sorted(first.values(), key=lambda h: -fused[h.chunk.id])


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def _jaccard(sa: set, sb: set) -> float:
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def diversify(hits: list[Hit], k: int) -> list[Hit]:
    """The top k with near-duplicates demoted; the demoted follow, so every copy stays citable."""
    shingles = {h.chunk.id: _shingles(h.chunk.text) for h in hits}  # once per hit, not per pair

    def near(a: Hit, b: Hit) -> bool:
        return _jaccard(shingles[a.chunk.id], shingles[b.chunk.id]) >= NEAR_DUPLICATE

    kept: list[Hit] = []
    demoted: list[Hit] = []
    for hit in hits:
        if len(kept) < k and not any(near(hit, h) for h in kept):
            kept.append(hit)
        else:
            demoted.append(hit)
    dups = [h for h in demoted if any(near(h, x) for x in kept)]
    return kept + dups[:k]
