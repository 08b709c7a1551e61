"""Eval metrics: pure functions over ranked ids and answer text (hand-checked in tests)."""

from __future__ import annotations

import math
import random
import re
import string
from collections import Counter
from typing import Sequence


def hit_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return float(any(r in relevant for r in ranked[:k])) if relevant else 0.0


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for i, r in enumerate(ranked, 1):
        if r in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Binary-relevance nDCG; a repeated id counts once (at its first rank)."""
    if not relevant:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for i, r in enumerate(ranked[:k], 1):
        if r in relevant and r not in seen:
            dcg += 1.0 / math.log2(i + 1)
        seen.add(r)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), k) + 1))
    return dcg / ideal


def covered(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    """Is `span` entirely inside the union of `spans`?"""
    pos = span[0]
    for s, e in sorted(spans):
        if s <= pos < e:
            pos = e
        if pos >= span[1]:
            return True
    return pos >= span[1]


def unique_in_order(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


_DROPPED = set(string.punctuation) - {"'"}


def _normalize(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 21,000 == 21000
    text = "".join(ch for ch in text if ch not in _DROPPED)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def has_fact(answer: str, fact: str) -> bool:
    """A key fact with '|' alternatives: any alternative present, ignoring case and punctuation."""
    norm = _normalize(answer)
    return any(alt and alt in norm for alt in map(_normalize, fact.split("|")))


def key_fact_accuracy(answer: str, facts: Sequence[str], wrong: Sequence[str] = ()) -> float:
    """1.0 when every key fact is in the answer and no wrong fact is (the strict, per-question score)."""
    return float(all(has_fact(answer, f) for f in facts) and not any(has_fact(answer, f) for f in wrong)) if facts else 0.0


def story_cited_once(same_story: Sequence[str], cited: Sequence[tuple[str, bool]]) -> float | None:
    """1.0 when a syndicated story is cited from one of its copies only, each citation naming the others
    (`cited`: each citation's source and whether it names other outlets); None when no copies are asked of."""
    if not same_story:
        return None
    ours = [(s, named) for s, named in cited if s in same_story]
    return float(len({s for s, _ in ours}) == 1 and all(named for _, named in ours))


def token_f1(prediction: str, reference: str) -> float:
    """SQuAD-style token F1 after normalization."""
    pred, ref = _normalize(prediction).split(), _normalize(reference).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 100]; NaN for no values."""
    if not values:
        return float("nan")
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def bootstrap_delta(a: Sequence[float], b: Sequence[float], rounds: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of b - a over paired questions with a 95% bootstrap interval: (delta, low, high)."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} vs {len(b)}")
    if not a:
        return float("nan"), float("nan"), float("nan")
    diffs = [y - x for x, y in zip(a, b)]
    rng = random.Random(seed)
    n = len(diffs)
    means = sorted(sum(diffs[rng.randrange(n)] for _ in range(n)) / n for _ in range(rounds))
    return mean(diffs), means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]
