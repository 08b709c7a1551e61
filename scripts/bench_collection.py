"""Benchmark: `rag ingest` of a generated article collection (JSONL), cold and again unchanged: rows/s,
chunks/s, peak RSS, and the index's size per row (what rag/ingest/collect.py's disk check assumes).

Run: .venv/bin/python scripts/bench_collection.py --rows 10000 [--words 100] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ["Valley Courier", "Orrin Ledger", "Northwire", "Harbor Gazette", "Kessel Times"]


def vocabulary() -> list[str]:
    """Words of the sample corpus: rows read like news, not like noise."""
    text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "corpus").iterdir()))
    return sorted(set(re.findall(r"[A-Za-z][a-z]{2,}", text)))


def write_rows(path: Path, rows: int, words: int, seed: int = 7) -> int:
    """`rows` articles of about `words` words, each with id, title, date, outlet, url; returns its size."""
    rng, vocab = random.Random(seed), vocabulary()
    with path.open("w", encoding="utf-8") as fh:
        for n in range(rows):
            sentences = [" ".join(rng.choices(vocab, k=12)).capitalize() + "." for _ in range(max(1, words // 12))]
            fh.write(json.dumps({"id": f"r{n}", "headline": " ".join(rng.choices(vocab, k=6)).capitalize(),
                                 "published_at": f"20{rng.randint(10, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                                 "source": rng.choice(OUTLETS), "url": f"https://news.example/{n}",
                                 "body": " ".join(sentences)}) + "\n")
    return path.stat().st_size


def ingest(collection: Path, index: Path) -> tuple[float, str]:
    env = {**os.environ, "RAG_INDEX_DIR": str(index)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from rag.cli.main import app; app()", "ingest", str(collection)],
                          env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--words", type=int, default=100)
    ap.add_argument("--keep", type=Path, help="write the collection and index here (default: a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        collection, index = where / "collection.jsonl", where / "index"
        size = write_rows(collection, args.rows, args.words)
        cold, summary = ingest(collection, index)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        chunks = int(re.search(r"(\d+) chunks embedded", summary).group(1))
        again, unchanged = ingest(collection, index)
        on_disk = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
        chars = sum(len(json.loads(line)["body"]) for line in collection.open(encoding="utf-8"))
        print(json.dumps({"rows": args.rows, "collection_mb": round(size / 1e6, 1), "cold_s": round(cold, 1),
                          "rows_per_s": round(args.rows / cold, 1), "chunks": chunks, "chunks_per_s": round(chunks / cold, 1),
                          "peak_rss_mb": round(peak), "unchanged_s": round(again, 1), "unchanged": unchanged,
                          "index_mb": round(on_disk / 1e6, 1), "index_bytes_per_row": round(on_disk / args.rows),
                          "index_bytes_per_char": round(on_disk / chars, 2), "summary": summary}, indent=1))


if __name__ == "__main__":
    main()
