"""Load test: chats answered from one shared Rag (as the web chat serves them) while `rag ingest`
runs in another process. Every question must be answered; prints one line per run and a table.

    .venv/bin/python scripts/load_ingest.py --runs 10 --threads 6
    .venv/bin/python scripts/load_ingest.py --runs 10 --threads 6 --churn   # the other process updates,
        removes and adds articles of the indexed folder and ingests it with --prune meanwhile
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.service import Rag  # noqa: E402
from rag.settings import load_settings  # noqa: E402

QUESTIONS = ["How many students from Tajikistan study in Russia?", "Where is Russia's 201st military base?",
             "What did Lavrov say about the Tajik-Afghan border?", "Who guards the Tajik-Afghan border?"]


def churn(folder: Path, n: int) -> None:
    """Change a fifth of the folder's articles, remove a tenth, add as many new ones."""
    files = sorted(folder.glob("*.txt"))
    for f in files[n % 5::5]:
        f.write_text(f.read_text() + f"\n\nUpdate {n}: border guards were reinforced again, officials said.\n")
    for f in files[n % 10::10]:
        f.unlink()
        (folder / f"added-{n}-{f.stem}.txt").write_text(f"Report {n}\n\n" + "Troops guard the border posts. " * 80)


def one_run(work: Path, n: int, threads: int, churning: bool = False) -> tuple[int, list[str]]:
    """Ask from `threads` threads until an outside ingest has finished, then once more: of new articles
    in another folder, or (`churning`) of the indexed folder itself, changed, with --prune."""
    rag = Rag(load_settings(index_dir=work / "index"))
    rag.ask(QUESTIONS[0])  # open the index and load the model before the load starts
    extra = work / "corpus" if churning else work / f"extra-{n}"
    if churning:
        churn(extra, n)
    else:
        extra.mkdir()
        for k in range(3):
            (extra / f"new-{n}-{k}.txt").write_text(f"Report {n}-{k}\n\n" + f"Border posts number {k}. " * 200)
    done, answered, errors = threading.Event(), [0], []

    def chat(i: int) -> None:
        while True:
            last = done.is_set()
            try:
                rag.ask(QUESTIONS[i % len(QUESTIONS)])
                answered[0] += 1
            except Exception as exc:  # noqa: BLE001 - every failure a reader sees is the finding
                errors.append(f"{type(exc).__name__}: {exc}")
            if last:
                return

    pool = [threading.Thread(target=chat, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    rag_cli = str(Path(sys.executable).parent / "rag")
    env = {**os.environ, "RAG_INDEX_DIR": str(work / "index")}
    argv = [rag_cli, "ingest", str(extra)] + (["--prune"] if churning else [])
    ingest = subprocess.run(argv, env=env, capture_output=True, text=True)
    done.set()
    for t in pool:
        t.join()
    if ingest.returncode:
        errors.append(f"ingest failed: {ingest.stderr.strip()[-300:]}")
    rag.index.close()
    return answered[0], errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--churn", action="store_true", help="update, remove and add indexed articles (--prune)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rag-load-"))
    shutil.copytree(ROOT / "corpus", work / "corpus")
    if args.churn:  # enough articles that a prune and an update overlap the questions
        for f in (ROOT / "eval" / "dev-corpus").glob("*.txt"):
            shutil.copy(f, work / "corpus" / f.name)
    Rag(load_settings(index_dir=work / "index")).ingest([work / "corpus"])
    passed = 0
    print(f"{'run':>4} {'answered':>9} {'failed':>7}  first failure")
    for n in range(1, args.runs + 1):
        answered, errors = one_run(work, n, args.threads, args.churn)
        passed += not errors
        print(f"{n:>4} {answered:>9} {len(errors):>7}  {errors[0][:90] if errors else ''}", flush=True)
    print(f"{passed} of {args.runs} runs with every question answered")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
