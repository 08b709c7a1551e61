"""Load on the real web chat: concurrent chats through gradio_client on loopback, memory over many
requests, and what a full queue answers.

    python scripts/bench_load.py                      # 50 concurrent, 1,000 requests
    python scripts/bench_load.py --concurrent 50 --requests 1000

Starts `app.py` on a free port over the sample corpus (indexed into a temporary folder), as a
user would, and prints a table; also writes bench/load.md.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [("How many students from Tajikistan study in Russia?", "21,000"),
             ("How many Russian troops are stationed in Tajikistan?", "7,000"),
             ("What will Russia help Tajikistan build on the Tajik-Afghan border?", "checkpoint"),
             ("What is the capital of Peru?", "do not answer")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(index: Path, **settings: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "RAG_INDEX_DIR": str(index), "RAG_PORT": str(port), "RAG_UPLOAD_DIR": str(index.parent / "up"),
           **{f"RAG_{k.upper()}": v for k, v in settings.items()}}
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(600):
        try:
            urllib.request.urlopen(url, timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("the web chat did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ask(client, question: str) -> tuple[str, float]:
    started = time.perf_counter()
    html = client.predict(question, "extractive", 5, "hybrid", [], "", "", 3, api_name="/ask")[0]
    return html, (time.perf_counter() - started) * 1000


def concurrent_chats(url: str, n: int) -> dict:
    """n users at once, each with their own client and session, one question each."""
    from gradio_client import Client

    results: list[tuple[bool, float, str]] = []
    lock = threading.Lock()
    gate = threading.Barrier(n)

    def user(i: int) -> None:
        question, expected = QUESTIONS[i % len(QUESTIONS)]
        client = Client(url, verbose=False)
        gate.wait()  # all ask at the same moment
        try:
            html, ms = ask(client, question)
            outcome = (expected in html, ms, "")
        except Exception as exc:  # a refusal or failure is counted, not raised
            outcome = (False, float("nan"), f"{type(exc).__name__}: {exc}"[:120])
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = sorted(ms for ok, ms, _ in results if ok)
    errors = sorted({e for _, _, e in results if e})
    return {"users": n, "answered": len(times), "wall_s": time.perf_counter() - started,
            "p50": _pct(times, 50), "p95": _pct(times, 95), "max": times[-1] if times else float("nan"),
            "errors": errors}


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values[0] if values else float("nan"))


SESSION_QUESTIONS = 10  # a user asks this many, then leaves and another one comes


def many_requests(url: str, pid: int, total: int, workers: int = 4) -> list[tuple[int, float, float]]:
    """`total` questions from `workers` users at a time, each user a new session of ten questions;
    (requests done, server RSS MB, p50 ms so far) every 10%."""
    from gradio_client import Client

    done, times, samples = [0], [], [(0, rss_mb(pid), float("nan"))]
    lock = threading.Lock()
    step = max(1, total // 10)

    def worker(w: int) -> None:
        client, asked = None, 0
        while True:
            with lock:
                if done[0] >= total:
                    return
                done[0] += 1
                n = done[0]
            if client is None or asked == SESSION_QUESTIONS:
                client, asked = Client(url, verbose=False), 0
            asked += 1
            question, expected = QUESTIONS[n % len(QUESTIONS)]
            html, ms = ask(client, question)
            assert expected in html, f"request {n}: wrong answer"
            with lock:
                times.append(ms)
                if n % step == 0:
                    samples.append((n, rss_mb(pid), statistics.median(times)))

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(samples)


def full_queue(index: Path, users: int) -> dict:
    """A queue of 2 and one answer at a time, `users` at once: who is told 'busy', and how fast."""
    proc, url = start_app(index, queue_size="2", concurrency="1")
    try:
        from gradio_client import Client

        outcomes: list[tuple[str, float]] = []
        gate = threading.Barrier(users)

        def user() -> None:
            client = Client(url, verbose=False)
            gate.wait()
            started = time.perf_counter()
            try:
                ask(client, QUESTIONS[0][0])
                outcomes.append(("answered", time.perf_counter() - started))
            except Exception as exc:
                kind = "busy" if "queue is full" in str(exc).lower() or "busy" in str(exc).lower() else str(exc)[:80]
                outcomes.append((kind, time.perf_counter() - started))

        threads = [threading.Thread(target=user) for _ in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        busy = [s for kind, s in outcomes if kind == "busy"]
        return {"users": users, "answered": sum(k == "answered" for k, _ in outcomes), "busy": len(busy),
                "other": sorted({k for k, _ in outcomes} - {"answered", "busy"}),
                "slowest_busy_s": max(busy) if busy else float("nan"), "hung": users - len(outcomes)}
    finally:
        proc.terminate()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--concurrent", type=int, default=50)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "load.md")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsrag-load-"))
    index = work / "index"
    subprocess.run([str(Path(sys.executable).parent / "rag"), "ingest", str(ROOT / "corpus")], check=True,
                   env={**os.environ, "RAG_INDEX_DIR": str(index)}, capture_output=True)
    proc, url = start_app(index)
    try:
        burst = concurrent_chats(url, args.concurrent)
        memory = many_requests(url, proc.pid, args.requests)
    finally:
        proc.terminate()
    queue = full_queue(index, 12)
    write_report(args, burst, memory, queue)


def write_report(args, burst: dict, memory: list, queue: dict) -> None:
    lines = ["# Load on the web chat (loopback, gradio_client, sample corpus, extractive answerer)", "",
             f"Reproduce: `python scripts/bench_load.py --concurrent {args.concurrent} --requests {args.requests}`", "",
             "| concurrent chats | answered correctly | wall s | p50 ms | p95 ms | max ms | errors |", "|---|---|---|---|---|---|---|",
             f"| {burst['users']} | {burst['answered']} | {burst['wall_s']:.1f} | {burst['p50']:.0f} | {burst['p95']:.0f} "
             f"| {burst['max']:.0f} | {'; '.join(burst['errors']) or '-'} |", "",
             f"{args.requests} requests, 4 users at a time, each user a new session of {SESSION_QUESTIONS} questions:", "",
             "| requests done | server RSS MB | p50 ms so far |", "|---|---|---|"]
    lines += [f"| {n} | {mb:.0f} | {p50:.0f} |" for n, mb, p50 in memory]
    first = next((mb for n, mb, _ in memory if n > 0), memory[0][1])
    lines += ["", f"RSS after the first {memory[1][0]} requests: {first:.0f} MB; after {memory[-1][0]}: "
              f"{memory[-1][1]:.0f} MB ({memory[-1][1] - first:+.0f} MB).", "",
              "| full queue (queue_size 2, concurrency 1) | answered | told busy | slowest busy reply s | other | hung |",
              "|---|---|---|---|---|---|",
              f"| {queue['users']} users at once | {queue['answered']} | {queue['busy']} | {queue['slowest_busy_s']:.2f} "
              f"| {', '.join(queue['other']) or '-'} | {queue['hung']} |"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
