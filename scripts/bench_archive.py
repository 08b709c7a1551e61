"""Benchmark at archive scale (issue 27): build an index from an article collection, then measure it as
users meet it, each figure from a fresh process. Prints a table, writes JSON beside it.

    .venv/bin/python scripts/make_corpus.py /tmp/bench/corpus-all
    .venv/bin/python scripts/make_archive.py /tmp/bench/corpus-all /tmp/bench/archive-1m.jsonl --chunks 650000
    .venv/bin/python scripts/bench_archive.py /tmp/bench/archive-1m.jsonl /tmp/bench/idx-1m --backend static

An index already built in INDEX is measured as it is (its build figures are read from INDEX/build.json).
Measured: the build (wall s, chunks/s, peak RSS, size on disk); cold start to a first answer; warm
answers and retrievals over 40 questions with the sentence-vector cache emptied before each (p50, p95);
the peak RSS of that answering process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import child  # noqa: E402


def build(collection: Path, index: Path, backend: str) -> dict:
    """`rag ingest COLLECTION` into INDEX with this backend, in a fresh process under /usr/bin/time."""
    marker = index / "build.json"
    if marker.exists():
        return json.loads(marker.read_text())
    env = {**os.environ, "RAG_INDEX_DIR": str(index), "RAG_EMBEDDING_BACKEND": backend}
    argv = ["/usr/bin/time", "-f", "%M", str(Path(sys.executable).parent / "rag"), "ingest", str(collection)]
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"ingest failed:\n{done.stderr[-3000:]}")
    summary = done.stdout.strip().splitlines()[-1]
    chunks = int(summary.split("; ")[1].split()[0])
    result = {"backend": backend, "wall_s": wall, "chunks": chunks, "chunks_per_s": chunks / wall,
              "articles": int(summary.split()[0]), "peak_rss_mb": int(done.stderr.strip().splitlines()[-1]) / 1024,
              "summary": summary}
    marker.write_text(json.dumps(result))
    return result


def measure(index: Path, backend: str) -> dict:
    env = {"RAG_EMBEDDING_BACKEND": backend}
    cold, first = child("cold-ours", str(index), "How do I set up a network bridge on Debian?", env=env)
    _, warm = child("warm-ours", str(index), env=env)
    size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) / 1e9
    return {"cold_start_s": cold, "first_ok": first["ok"], "index_gb": size, **warm}


def table(rows: list[tuple[dict, dict]]) -> str:
    lines = ["| chunks | articles | backend | build s | chunks/s | build peak RSS GB | index GB | cold start s "
             "| answer p50 / p95 ms | retrieval p50 / p95 ms | answering RSS GB |", "|" + "---|" * 11]
    for b, m in rows:
        lines.append(f"| {b['chunks']:,} | {b['articles']:,} | {b['backend']} | {b['wall_s']:.0f} | "
                     f"{b['chunks_per_s']:.0f} | {b['peak_rss_mb'] / 1024:.2f} | {m['index_gb']:.1f} | "
                     f"{m['cold_start_s']:.2f} | {m['answer_p50_ms']:.0f} / {m['answer_p95_ms']:.0f} | "
                     f"{m['retrieve_p50_ms']:.0f} / {m['retrieve_p95_ms']:.0f} | {m['peak_rss_mb'] / 1024:.2f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pairs", nargs="+", help="COLLECTION INDEX pairs (the index is built when missing)")
    ap.add_argument("--backend", default="onnx-int8", help="embedding_backend (one for every pair)")
    ap.add_argument("--out", type=Path, default=Path("bench/archive.json"))
    args = ap.parse_args()
    if len(args.pairs) % 2:
        sys.exit("give COLLECTION INDEX pairs")
    rows = []
    for collection, index in zip(args.pairs[::2], args.pairs[1::2]):
        built = build(Path(collection), Path(index), args.backend)
        rows.append((built, measure(Path(index), args.backend)))
    text = table(rows)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([{"build": b, "measure": m} for b, m in rows], indent=1))
    args.out.with_suffix(".md").write_text(text + "\n")


if __name__ == "__main__":
    main()
