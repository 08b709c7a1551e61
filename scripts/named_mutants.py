"""Named mutants of the answer's gates: break one guarded line at a time, run the tests that guard it,
and say whether they noticed (KILLED) or not (SURVIVED). Every survivor wants a test or a reason.

The script edits the source in place (and puts it back): run it in a copy of the tree, never in a
checkout someone is working in. The copy leaves out the environment, the index and Hypothesis's saved
examples (a saved failure would fail every run, so every mutant would look killed):

    mkdir /tmp/mut && tar -C . --anchored --exclude=./.venv --exclude=./index --exclude=./eval/reports \
        --exclude=./.git --exclude=./.hypothesis -cf - . | tar -C /tmp/mut -xf -
    cd /tmp/mut && /path/to/checkout/.venv/bin/python scripts/named_mutants.py          # all, about 30 min
    cd /tmp/mut && /path/to/checkout/.venv/bin/python scripts/named_mutants.py fusion   # those whose file or line says so

The tests first run unbroken (a red baseline stops the script: nothing could be told apart), and every
run draws the same Hypothesis examples, so a verdict does not depend on the draw.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = [  # (file, the line as it is, the line broken)
    ("rag/answer/spans.py", "    return bool(owners) and not any(", "    return False and not any("),
    ("rag/answer/answerer.py", 'short = "; ".join(shorts) if shorts and whole else None', 'short = "; ".join(shorts) if shorts else None'),
    ("rag/answer/answerer.py", "p.assertion >= self.assert_threshold for p in ranking", "p.assertion >= 0 for p in ranking"),
    ("rag/answer/verify.py", "short_ok = short is None or all(", "short_ok = True or all("),
    ("rag/answer/refusal.py", "    if not any(in_articles(w)", "    if False and not any(in_articles(w)"),
    ("rag/answer/facts.py", '    return " ".join(tokens).strip(" ,.;:")', "    return span"),
    ("rag/answer/constraints.py", '    return f"{cand.hit.title}\\n{previous}\\n{cand.text}"', '    return f"{cand.hit.title}\\n{cand.text}"'),
    ("rag/answer/rank.py", "        if reading.short is None or reading.near < 1.0:", "        if reading.short is None:"),
    ("rag/eval/outcomes.py", 'sum(not r.get("short_answer") for r in unanswerable)', 'sum(not r.get("status") for r in unanswerable)'),
    ("rag/answer/spans.py", "            fit *= 1.0 if lead else 0.8", "            fit *= 1.0"),
    ("rag/answer/facts.py", "    clause = len(set(_stems5(sentence[lo:hi])) & predicate) / len(predicate)", "    clause = 0.0"),
    # Retrieval: fusion's constant, diversity, both rankings in hybrid mode
    ("rag/retrieve/fusion.py", "RRF_K = 60", "RRF_K = 0"),
    ("rag/retrieve/fusion.py", "RRF_K = 60", "RRF_K = 1"),
    ("rag/retrieve/fusion.py", "RRF_K = 60", "RRF_K = 1000"),
    ("rag/retrieve/fusion.py", "RRF_K = 60", "RRF_K = 100000"),
    ("rag/retrieve/hybrid.py", "        return diversify(hits, top_k)", "        return hits[:top_k]"),
    ("rag/retrieve/fusion.py", "    return kept + dups[:k]", "    return kept"),
    ("rag/retrieve/fusion.py", "NEAR_DUPLICATE = 0.6", "NEAR_DUPLICATE = 0.25"),
    ("rag/retrieve/hybrid.py", 'if self.mode in ("bm25", "hybrid"):', 'if self.mode in ("bm25",):'),
    ("rag/retrieve/hybrid.py", 'if self.mode in ("dense", "hybrid"):', 'if self.mode in ("dense",):'),
    # Date ranges: each bound, inclusive, and undated articles kept out
    ("rag/index/filters.py", 'parse_iso_prefix(filters.date_to, "date_to"))[1]', 'parse_iso_prefix(filters.date_to, "date_to"))[0]'),
    ("rag/index/filters.py", 'parse_iso_prefix(filters.date_from, "date_from"))[0]',
     'parse_iso_prefix(filters.date_from, "date_from"))[1]'),
    ("rag/index/filters.py", '{"date_from": {"$gte": lo}}', '{"date_from": {"$gt": lo}}'),
    ("rag/index/filters.py", '{"date_to": {"$lte": hi}}', '{"date_to": {"$lt": hi}}'),
    ("rag/index/filters.py", '        clauses.append({"date_from": {"$gt": 0}})', "        pass"),
    # Verification, the answerer's keep ratio, the decline line
    ("rag/answer/verify.py", "SUPPORT_THRESHOLD = 0.6", "SUPPORT_THRESHOLD = 0.3"),
    ("rag/answer/answerer.py", "KEEP_RATIO = 0.85", "KEEP_RATIO = 0.3"),
    ("rag/answer/answerer.py", "    return confidence(ranking) < threshold", "    return confidence(ranking) <= threshold"),
]
TESTS = ["tests/unit", "tests/integration/test_assertions.py", "tests/integration/test_answerer.py",
         "tests/integration/test_ask.py", "tests/integration/test_retrieval_decisions.py"]


PYTEST = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--hypothesis-seed=0", *TESTS]


def main(only: list[str]) -> int:
    chosen = [m for m in MUTANTS if not only or any(word in f"{m[0]} {m[2]}" for word in only)]
    baseline = subprocess.run(PYTEST, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    if baseline.returncode != 0:
        print("BASELINE FAILS: the tests are red before any line is broken", *baseline.stdout.splitlines()[-15:], sep="\n")
        return 2
    survived = 0
    for path, line, broken in chosen:
        file = ROOT / path
        source = file.read_text(encoding="utf-8")
        if line not in source:
            print(f"STALE    {path}: the line is no longer there: {line.strip()[:60]}")
            survived += 1
            continue
        file.write_text(source.replace(line, broken, 1), encoding="utf-8")
        try:
            run = subprocess.run(PYTEST, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
        finally:
            file.write_text(source, encoding="utf-8")
        killed = run.returncode != 0
        survived += not killed
        by = next((ln.split(" - ")[0] for ln in run.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))), "")
        print(f"{'KILLED  ' if killed else 'SURVIVED'} {path}: {broken.strip()[:70]}", f"  ({by})" if by else "",
              sep="", flush=True)
    print(f"{len(chosen) - survived} of {len(chosen)} killed")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
