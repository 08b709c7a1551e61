"""Embedding backends side by side on real chunk texts: throughput, query latency, agreement.

    .venv/bin/python scripts/bench_embed.py [--chunks 300] [--batch 8]

Texts: the sample articles and Debian's documentation (scripts/make_corpus.py), chunked as
ingestion chunks them. Each backend runs in this one process after a warm-up; cosine is against
the torch (sentence-transformers) vectors. Retrieval quality per backend: eval/reference/sweep-backend;
the static backend's answers on every gold set: the README's "Speed" section.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_children  # noqa: E402
import make_corpus  # noqa: E402

from rag.embed import make_embedder  # noqa: E402

QUESTIONS = ["How many students from Tajikistan study in Russia?", "How do I mount a filesystem read-only?",
             "What does VACUUM do in PostgreSQL?", "Which signal does kill send by default?"] * 10


def chunk_texts(n: int) -> list[str]:
    folder = Path(tempfile.mkdtemp()) / "corpus"
    make_corpus.make(folder, 200, None)
    return list(bench_children.chunk_texts(str(folder), n))[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=300)
    ap.add_argument("--batch", type=int, default=8)
    args = ap.parse_args()
    texts, ref = chunk_texts(args.chunks), None
    print("| backend | chunks/s | query p50 ms | cosine to torch (min / mean) |\n|---|---|---|---|")
    for backend in ("torch", "onnx", "onnx-int8", "static"):
        e = make_embedder("all-MiniLM-L6-v2", backend, args.batch, Path.home() / ".cache/newsrag")
        e.encode(texts[:args.batch])
        started = time.perf_counter()
        vecs = e.encode(texts)
        rate = len(texts) / (time.perf_counter() - started)
        query = []
        for q in QUESTIONS:
            t = time.perf_counter()
            e.encode([q])
            query.append((time.perf_counter() - t) * 1000)
        ref = vecs if ref is None else ref
        # the static model's vectors live in a space of their own (256 PCA dimensions): no cosine to compare
        cos = (vecs * ref).sum(1) if vecs.shape == ref.shape else None
        agree = f"{cos.min():.4f} / {cos.mean():.4f}" if cos is not None else "— (another space)"
        print(f"| {backend} | {rate:.1f} | {statistics.median(query):.1f} | {agree} |")


if __name__ == "__main__":
    main()
