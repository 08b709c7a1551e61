"""Benchmark, side by side with the stock LlamaIndex path, on real text: prints a table, writes JSON.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python scripts/bench_scale.py                        # 150 articles, 1k and 10k chunks
    .venv/bin/python scripts/bench_scale.py --sizes 1000,10000,100000 --vectors vectors.npz

Stock path: SimpleDirectoryReader -> VectorStoreIndex.from_documents over ChromaVectorStore, with
HuggingFaceEmbedding of the same model and a SentenceSplitter of the same chunk size and overlap.
Every measurement runs in a fresh process (wall time includes imports; peak RSS is the process's).
Indexes above ~10k chunks take an hour to embed on 2 cores: `--vectors` takes vectors computed
elsewhere (scripts/embed_elsewhere.py) for the chunks it knows, and embeds the rest here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_children  # noqa: E402
import make_corpus  # noqa: E402

QUESTIONS = bench_children.QUESTIONS


def child(kind: str, *args: str, env: dict | None = None) -> tuple[float, dict]:
    """Run one measurement in a fresh process: (whole-process wall seconds, its JSON result)."""
    argv = [sys.executable, str(Path(bench_children.__file__)), kind, *args]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return wall, json.loads(done.stdout.strip().splitlines()[-1])


def pick_articles(all_dir: Path, dest: Path, n: int) -> Path:
    if not dest.is_dir() or len(list(dest.iterdir())) != n:
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        for f in sorted(all_dir.iterdir())[:n]:
            shutil.copy(f, dest / f.name)
    return dest


def ingest_rows(work: Path, articles: Path) -> list[dict]:
    """Ingest wall time, throughput, peak RSS and size, ours then stock, each from a cold process."""
    rows = []
    for kind in ("ingest-ours", "ingest-stock"):
        index = work / f"idx-{kind}"
        shutil.rmtree(index, ignore_errors=True)
        wall, res = child(kind, str(articles), str(index))
        rows.append({"path": kind[7:], "wall_s": wall, **res, "chunks_per_s": res["chunks"] / wall,
                     "index_mb": sum(f.stat().st_size for f in index.rglob("*") if f.is_file()) / 1e6})
    return rows


def latency_rows(work: Path) -> list[dict]:
    rows = []
    for kind, index in (("ours", work / "idx-ingest-ours"), ("stock", work / "idx-ingest-stock")):
        cold, first = child(f"cold-{kind}", str(index), QUESTIONS[0])
        _, warm = child(f"warm-{kind}", str(index))
        rows.append({"path": kind, "cold_start_s": cold, "first_ok": first["ok"], **warm})
    return rows


def scale_rows(work: Path, all_dir: Path, sizes: list[int], vectors: str | None) -> list[dict]:
    """Retrieval (and, ours, answer) latency at each size; the same chunks and vectors both ways."""
    rows, previous = [], None
    for n in sizes:
        index = work / f"scale-{n}"
        if not (index / "done.json").exists():
            if previous is not None:
                shutil.rmtree(index, ignore_errors=True)
                shutil.copytree(previous, index)  # each size extends the one below
            args = [str(all_dir), str(index), str(n)] + ([vectors] if vectors else [])
            child("build-ours", *args)
            child("build-stock", str(index))
            (index / "done.json").write_text(json.dumps({"n": n}))
        _, ours = child("warm-ours", str(index))
        _, stock = child("warm-stock", str(index / "stock"))
        _, ours["rss_web_mb"] = child("web-rss", str(index))
        ours["cold_start_s"], _ = child("cold-ours", str(index), QUESTIONS[6])
        rows.append({"chunks": n, "ours": ours, "stock": stock})
        previous = index
    return rows


def table(ingest: list[dict], latency: list[dict], scale: list[dict]) -> str:
    o, s = ingest
    lo, ls = latency
    lines = ["| measure | ours | stock LlamaIndex | ours better by |", "|---|---|---|---|"]

    def row(name: str, a: float, b: float, fmt: str = "{:.1f}", higher_better: bool = False, ratio: bool = True) -> None:
        better = (a / b if higher_better else b / a) if ratio and a and b else None
        lines.append(f"| {name} | {fmt.format(a)} | {fmt.format(b)} | {'' if better is None else f'{better:.2f}x'} |")

    row(f"ingest {o['files']} articles, wall s (whole process)", o["wall_s"], s["wall_s"])
    row("chunks made", o["chunks"], s["chunks"], "{:.0f}", ratio=False)
    row("chunk texts over the model's 256-token window", o["over_window"], s["over_window"], "{:.0f}", ratio=False)
    row("ingest chunks/s", o["chunks_per_s"], s["chunks_per_s"], higher_better=True)
    row("ingest peak RSS MB", o["peak_rss_mb"], s["peak_rss_mb"], "{:.0f}")
    row("index on disk MB", o["index_mb"], s["index_mb"])
    row("cold start to first answer s", lo["cold_start_s"], ls["cold_start_s"], "{:.2f}")
    row("warm retrieval p50 ms", lo["retrieve_p50_ms"], ls["retrieve_p50_ms"])
    row("warm retrieval p95 ms", lo["retrieve_p95_ms"], ls["retrieve_p95_ms"])
    lines.append(f"| warm answer p50 / p95 ms (offline answerer) | {lo['answer_p50_ms']:.1f} / "
                 f"{lo['answer_p95_ms']:.1f} | (no offline answerer) | |")
    for r in scale:
        a, b = r["ours"], r["stock"]
        row(f"{r['chunks']:,} chunks: retrieval p50 ms", a["retrieve_p50_ms"], b["retrieve_p50_ms"])
        row(f"{r['chunks']:,} chunks: retrieval p95 ms", a["retrieve_p95_ms"], b["retrieve_p95_ms"])
        web = a["rss_web_mb"]
        ready = f"; ready in {web['ready_s']:.1f} s" if "ready_s" in web else ""
        lines.append(f"| {r['chunks']:,} chunks: answer p50 / p95 ms; cold start to first answer s | "
                     f"{a['answer_p50_ms']:.1f} / {a['answer_p95_ms']:.1f}; {a.get('cold_start_s', 0):.1f} | | |")
        lines.append(f"| {r['chunks']:,} chunks: web chat peak RSS MB{ready and '; start-up'} | "
                     f"{web['peak_rss_mb']:.0f}{ready} | | |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=150)
    ap.add_argument("--sizes", default="1000,10000", help="chunk counts for the retrieval-latency rows ('': none)")
    ap.add_argument("--vectors", default=None, help="precomputed vectors (.npz, comma-separated) for large sizes")
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsrag-bench"))
    ap.add_argument("--out", type=Path, default=Path("bench/results.json"))
    args = ap.parse_args()
    all_dir = args.work / "corpus-all"
    if not all_dir.is_dir():
        print(make_corpus.make(all_dir, None, None), "articles, words", file=sys.stderr)
    articles = pick_articles(all_dir, args.work / f"corpus-{args.articles}", args.articles)
    ingest = ingest_rows(args.work, articles)
    latency = latency_rows(args.work)
    scale = scale_rows(args.work, all_dir, [int(x) for x in args.sizes.split(",") if x], args.vectors)
    text = table(ingest, latency, scale)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"ingest": ingest, "latency": latency, "scale": scale,
                                    "machine": f"{os.cpu_count()} cores"}, indent=1))
    args.out.with_suffix(".md").write_text(text + "\n")


if __name__ == "__main__":
    main()
