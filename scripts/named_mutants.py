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
    # Article collections (issue 27): the row reader's bounds, names, re-ingest row by row, urls shown safely
    ("rag/ingest/collections.py", "        if len(line) > LINE_BYTES:\n            while line", "        if False:\n            while line"),
    ("rag/ingest/collections.py", "csv.field_size_limit(FIELD_CHARS)", "pass"),
    ("rag/ingest/collections.py", "        while self.quotes % 2 and self._raw() is not None:", "        while False and self._raw() is not None:"),
    ("rag/ingest/collections.py", "        if isinstance(cells, RowFailure) or any(c.strip() for c in cells):", "        if not isinstance(cells, RowFailure) and any(c.strip() for c in cells):"),
    ("rag/ingest/rowfields.py", "    if big:", "    if False:"),
    ("rag/ingest/rowfields.py", '    if len(name) > NAME_CHARS or re.search(r"[\\x00-\\x1f\\x7f-\\x9f]", name):', "    if False:"),
    ("rag/ingest/rowfields.py", "            found = named if named in keys else next((folded[a] for a in spellings if a in folded), None)", "            found = named if named in keys else None if named else next((folded[a] for a in aliases if a in folded), None)"),
    ("rag/ingest/collect.py", "    for source in sorted(left):", "    for source in []:"),
    ("rag/ingest/collect.py", "    elif previous and previous[0] == digest:", "    elif False:"),
    ("rag/ingest/collect.py", "    if original != source:", "    if False:"),
    ("rag/ingest/collect.py", "        if isinstance(item, Row) and item.id in seen:", "        if False:"),
    ("rag/ingest/collect.py", "        if found.problem and file.path in named:", "        if False:"),
    ("rag/ingest/collect.py", "    if room is not None and need > room:", "    if False:"),
    ("rag/ingest/collect.py", '        counts["undated"] += bool(item.date and read_date(item.date) is None)', "        pass"),
    ("rag/ingest/collect.py", "    text = row.text if not row.title or starts else f\"{row.title}\\n\\n{row.text}\"", "    text = row.text"),
    ("rag/ingest/collect.py", "    if row.date is None:\n        return article", "    if True:\n        return article"),
    ("rag/ingest/collect.py", "            (run.report.not_collections if found.kind == \"no-text\" else run.report.failed).append(", "            (run.report.failed).append("),
    ("rag/ingest/pipeline.py", "    return root / row[0] if row and not (root / source).exists() else root / source", "    return root / source"),
    ("rag/ingest/ahead.py", "        if is_collection(file.path):  # read a row at a time", "        if False:  # read a row at a time"),
    ("rag/index/rows.py", '    return {"url": article.url} if article.url else {}', "    return {}"),
    ("rag/index/rows.py", 'url=m.get("url") or None)', "url=None)"),
    ("rag/answer/cite.py", "also_reported_by=h.also, url=h.url)", "also_reported_by=h.also)"),
    ("rag/records.py", '"publisher": c.publisher, "url": c.url, "chunk_id"', '"publisher": c.publisher, "chunk_id"'),
    ("rag/service/render.py", '    url = f" <{c.url}>" if c.url else ""', '    url = ""'),
    ("rag/web/render.py", '    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)', "    return bool(parts.hostname)"),
    ("rag/web/render.py", '{url_html(c.url)}{also}', '{also}'),
    ("rag/ingest/uploads.py", "    if is_collection(name):\n        found", "    if False:\n        found"),
    ("rag/ingest/uploads.py", "            _rows_of(path, original, report, indexed, already)", "            pass"),
    ("rag/service/__init__.py", '            room = free_space(s.index_dir) if s.index_backend == "chroma" and not s.chroma_url else None', "            room = None"),
    ("rag/cli/main.py", "    def __enter__(self) -> _Bar:\n        return self", "    def __enter__(self) -> _Bar:\n        self.update()\n        return self"),
    ("rag/ingest/uploads.py", "    taken = frozenset(name for src, (_, root) in stored.items() if root != here for name in _names(src))", "    taken = frozenset(src for src, (_, root) in stored.items() if root != here)"),
    ("rag/lexicon/dates.py", "        stamp = float(value) / (1000 if float(value) > 1e11 else 1)", "        stamp = float(value)"),
]
TESTS = ["tests/unit", "tests/integration/test_assertions.py", "tests/integration/test_answerer.py",
         "tests/integration/test_ask.py", "tests/integration/test_retrieval_decisions.py",
         "tests/integration/test_collections.py"]


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
