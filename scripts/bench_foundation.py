"""Benchmark: cold `rag ingest corpus/` (wall time, peak RSS) and warm `ask` latency p50/p95.

Run: .venv/bin/python scripts/bench_foundation.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "How many students from Tajikistan study in Russia?", "How many Russian troops are stationed in Tajikistan?",
    "When did Putin visit Dushanbe?", "What did Lavrov say about the CSTO?", "Which division is based in Tajikistan?",
    "Where are the Russian base facilities located?", "Who is the foreign minister of Tajikistan?",
    "What did Russia promise to build on the Tajik-Afghan border?", "What agreement on nuclear energy was signed?",
    "How many tanks will Russia station in Tajikistan?", "What is the capital of Australia?",
    "What threats did Lavrov see in northern Afghanistan?", "How many Tajik students does the Russian budget pay for?",
    "Which organizations do Russia and Tajikistan cooperate in?", "What did Nazarbaev say about Russia?",
    "When will NATO withdraw from Afghanistan?", "What is the 201st military base?",
    "Who did Lavrov meet in Dushanbe?", "What did the joint statement say about terrorism?",
    "Why is Russia concerned about Afghanistan?",
]


def cold_ingest(index: Path) -> tuple[float, float]:
    env = {**os.environ, "RAG_INDEX_DIR": str(index)}
    rag = Path(sys.executable).parent / "rag"
    started = time.perf_counter()
    subprocess.run([str(rag), "ingest", str(ROOT / "corpus")], env=env, check=True, capture_output=True)
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak_mb


def warm_latencies(index: Path, cold_cache: bool) -> list[float]:
    """Per-question latency with the model loaded; with `cold_cache`, the process's embedding cache
    is emptied before each question, so no sentence vector is reused (the conservative figure)."""
    from rag.embed import base
    from rag.service import Rag
    from rag.settings import load_settings

    rag = Rag(load_settings(index_dir=index))
    rag.ask(QUESTIONS[0])  # warm-up: model load and first query
    out = []
    for q in QUESTIONS:
        if cold_cache:
            base._CACHE.data.clear()
        out.append(rag.ask(q).latency_ms)
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wall, peak = cold_ingest(Path(tmp) / "index")
        cold = warm_latencies(Path(tmp) / "index", cold_cache=True)
        warm = warm_latencies(Path(tmp) / "index", cold_cache=False)
    rows = [("cold ingest corpus/ (5 articles), wall", f"{wall:.2f} s"),
            ("cold ingest, peak RSS", f"{peak:.0f} MB"),
            (f"warm ask p50, no cached vectors ({len(cold)} q)", f"{statistics.median(cold):.0f} ms"),
            ("warm ask p95, no cached vectors", f"{p95(cold):.0f} ms"),
            (f"warm ask p50, embedding cache on ({len(warm)} q)", f"{statistics.median(warm):.0f} ms"),
            ("warm ask p95, embedding cache on", f"{p95(warm):.0f} ms")]
    width = max(len(r[0]) for r in rows)
    print(f"{'metric':{width}}  value\n{'-' * width}  -----")
    for name, value in rows:
        print(f"{name:{width}}  {value}")


if __name__ == "__main__":
    main()
