"""kill -9 an ingest at random moments, rerun it, and check that nothing was lost.

Each trial runs `rag ingest --prune` on corpus B, in a child process, and kills it with SIGKILL at
a random moment. Odd trials start from an empty index; even ones from a clean index of corpus A
(B changes 10% of A's files, deletes 5% and adds 5%, so replaced and pruned articles are in play).
Then, as a user would: the first open of the index in a fresh process (`rag stats`), the same
ingest again, and a comparison with a clean ingest of B: the same articles and chunk ids, no
duplicates, no chunks without an article, every chunk and article with a vector, the keyword index
in step, and the golden queries finding their article.

    python scripts/fault_kill.py --files 2000 --trials 10      # needs Debian's doc packages,
                                                               # as scripts/make_corpus.py says
Prints a table and writes bench/faults.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAG = [str(Path(sys.executable).parent / "rag")]
sys.path.insert(0, str(ROOT / "scripts"))


def make_corpora(work: Path, files: int, seed: int, pool: Path | None) -> tuple[Path, Path]:
    """Corpus A (`files` files of one or two chunks, the sample articles first) and corpus B."""
    import make_corpus

    if pool is None:
        pool = work / "pool"
        if not pool.is_dir():
            make_corpus.make(pool, int(files * 1.1), None, (80, 170))
    names = sorted(p.name for p in pool.iterdir() if "_corpus-" not in p.name)  # the samples come whole
    a, b = work / "corpus-a", work / "corpus-b"
    for folder in (a, b):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        for sample in (ROOT / "corpus").glob("*.txt"):  # unchanged: the golden queries are about them
            shutil.copy(sample, folder / sample.name)
    rng = random.Random(seed)
    samples = len(list(a.iterdir()))
    base, extra = names[:files - samples], names[files - samples:]
    for name in base:
        shutil.copy(pool / name, a / name)
    movable = base
    changed = set(rng.sample(movable, files // 10))
    deleted = set(rng.sample(sorted(set(movable) - changed), files // 20))
    for name in base:
        if name in deleted:
            continue
        text = (pool / name).read_text()
        (b / name).write_text(text.replace(". ", ". Revised: ", 1) + "\nA correction was appended.\n"
                              if name in changed else text)
    for name in extra[: files // 20]:
        shutil.copy(pool / name, b / name)
    return a, b


def ingest(index: Path, corpus: Path, env: dict, kill_after: float | None = None) -> tuple[int | str, float]:
    """Run `rag ingest --prune`; returns (exit status, seconds it worked once it held the write
    lock). With `kill_after`, SIGKILL it that many seconds into its work: ('killed' or
    'finished first', seconds)."""
    proc = subprocess.Popen(RAG + ["ingest", "--prune", str(corpus)], env={**env, "RAG_INDEX_DIR": str(index)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = index / ".rag-write.lock"
    while proc.poll() is None and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.01)
    started = time.perf_counter()
    if kill_after is None:
        return proc.wait(), time.perf_counter() - started
    try:
        proc.wait(kill_after)
        return "finished first", time.perf_counter() - started
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return "killed", time.perf_counter() - started


def first_open(index: Path, env: dict) -> str:
    done = subprocess.run(RAG + ["stats", "--json"], env={**env, "RAG_INDEX_DIR": str(index)},
                          capture_output=True, text=True)
    if done.returncode == 0:
        return "opens"
    if done.returncode < 0:
        return f"CRASH (signal {-done.returncode})"
    lines = done.stderr.strip().splitlines()
    return "message: " + (lines[-1][:90] if lines else "(none)") + (" [traceback]" if "Traceback" in done.stderr else "")


def snapshot(index: Path, env: dict) -> dict:
    """The index's contents, read in a child process (a damaged index may crash its reader)."""
    done = subprocess.run([sys.executable, __file__, "--snapshot", str(index)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]}
    return json.loads(done.stdout)


def _snapshot_here(index: Path) -> dict:
    from collections import Counter

    from rag.service import Rag
    from rag.settings import load_settings

    rag = Rag(load_settings(index_dir=index))
    chunks = rag.index.store.chunks.get(include=["metadatas", "embeddings"])
    arts = rag.index.store.articles.get(include=["embeddings"])
    per_source: dict[str, list[str]] = {}
    for cid, meta in zip(chunks["ids"], chunks["metadatas"]):
        per_source.setdefault(meta["source"], []).append(cid)
    gold = [json.loads(line) for line in (ROOT / "eval" / "gold.jsonl").read_text().splitlines() if line.strip()]
    answerable = [g for g in gold if g["answerable"]]
    bm25_in_step = rag.index.words.stored_revision() == rag.index.store.revision() and set(rag.index.words.state.row) == set(chunks["ids"])
    rag.open_index()
    rag.index.words.sync(rag.index.store)
    found = sum(bool(set(g["gold_sources"]) & {h.chunk.source for h in rag.retriever.retrieve(g["question"], 5, None)})
                for g in answerable)
    return {
        "articles": sorted(arts["ids"]), "chunks": {s: sorted(ids) for s, ids in per_source.items()},
        "duplicate_ids": sum(n - 1 for n in Counter(chunks["ids"]).values()),
        "without_vector": sum(e is None or len(e) == 0 for e in chunks["embeddings"])
        + sum(e is None or len(e) == 0 for e in arts["embeddings"]),
        "bm25_in_step": bm25_in_step,
        "golden": [found, len(answerable)],
    }


def compare(got: dict, ref: dict) -> tuple[bool, int, str]:
    """(equal to the clean ingest, articles lost or wrong, what differs)."""
    if "error" in got:
        return False, len(ref["articles"]), got["error"]
    lost = [s for s in ref["articles"] if got["chunks"].get(s) != ref["chunks"][s] or s not in got["articles"]]
    extra = sorted(set(got["articles"]) - set(ref["articles"]))
    orphans = sorted(set(got["chunks"]) - set(got["articles"]))
    problems = [f"{len(lost)} lost or different" if lost else "", f"{len(extra)} extra" if extra else "",
                f"{len(orphans)} orphans" if orphans else "", f"{got['duplicate_ids']} duplicates" if got["duplicate_ids"] else "",
                f"{got['without_vector']} without vector" if got["without_vector"] else "",
                "" if got["bm25_in_step"] else "BM25 behind"]
    problems = [p for p in problems if p]
    return not problems, len(lost), "; ".join(problems) or "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsrag-faults"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "faults.md")
    ap.add_argument("--pool", type=Path, help="take the files from this folder instead of Debian's docs")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    ap.add_argument("--snapshot", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.snapshot:
        print(json.dumps(_snapshot_here(args.snapshot)))
        return
    run_trials(args)


def _become(folder: Path, state: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(state, folder)


def run_trials(args) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    corpus_a, corpus_b = make_corpora(work, args.files, args.seed, args.pool)
    live = work / "live"  # one folder in state A, then B: pruning works per folder, as for a user
    base, ref = work / "index-a", work / "index-ref"
    for folder in (base, ref):
        shutil.rmtree(folder, ignore_errors=True)
    _become(live, corpus_a)
    rc_a, t_a = ingest(base, live, env)
    _become(live, corpus_b)
    rc_ref, t_fresh = ingest(ref, live, env)
    update = work / "index-update"
    shutil.rmtree(update, ignore_errors=True)
    shutil.copytree(base, update)
    rc_up, t_update = ingest(update, live, env)
    if (rc_a, rc_ref, rc_up) != (0, 0, 0):
        sys.exit(f"the clean ingests failed (exit {rc_a}, {rc_ref}, {rc_up}): try `rag ingest {live}`")
    reference = snapshot(ref, env)
    rng = random.Random(args.seed)
    rows = []
    for trial in range(1, args.trials + 1):
        rows.append(one_trial(trial, work, base, live, env, reference, rng, t_fresh, t_update))
        print(" | ".join(map(str, rows[-1])), flush=True)
    write_table(args, rows, t_fresh, t_update, reference)


def one_trial(trial, work, base, corpus_b, env, reference, rng, t_fresh, t_update) -> list:
    index = work / f"index-trial-{trial}"
    shutil.rmtree(index, ignore_errors=True)
    fresh = trial % 2 == 1
    if not fresh:
        shutil.copytree(base, index)
    span = t_fresh if fresh else t_update
    outcome, at = ingest(index, corpus_b, env, kill_after=rng.uniform(0.02, 0.98) * span)
    opened = first_open(index, env)
    rerun, _ = ingest(index, corpus_b, env)
    got = snapshot(index, env)
    equal, lost, differs = compare(got, reference)
    golden = "/".join(map(str, got.get("golden", ["-", "-"])))
    return [trial, "empty index" if fresh else "update A→B", f"{outcome} at {at:.1f} s of {span:.1f} s",
            opened, rerun, "yes" if equal else "NO", golden, lost, differs]


def write_table(args, rows, t_fresh, t_update, reference) -> None:
    head = ["trial", "start", "SIGKILL", "first open (new process)", "rerun exit", "equals clean ingest",
            "golden found", "articles lost", "differences"]
    lines = [f"# kill -9 during ingest: {args.trials} trials, {args.files} files",
             "", f"Clean ingest of B (once it holds the write lock): {t_fresh:.1f} s from empty, {t_update:.1f} s "
             "as an update of A; each kill lands at a random moment within it. "
             f"B holds {len(reference['articles'])} articles, {sum(map(len, reference['chunks'].values()))} chunks.",
             f"Reproduce: `python scripts/fault_kill.py --files {args.files} --trials {args.trials} --seed {args.seed}`", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in rows]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    if args.json:
        args.json.write_text(json.dumps([dict(zip(head, r)) for r in rows], indent=1))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
