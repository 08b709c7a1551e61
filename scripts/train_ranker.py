"""Train the answer-sentence ranker (rag/answer/ranker.json) and choose the decline threshold.

    .venv/bin/python scripts/train_ranker.py            # cross-validate, print the tables, write rag/answer/ranker.json

Training data: the gold sets that have a corpus (eval/gold.jsonl on corpus/, eval/gold-dev.jsonl
on eval/dev-corpus/). A candidate sentence is a positive for a question part when it overlaps a
gold evidence sentence and holds the part's key fact. eval/gold-sample-heldout.jsonl is never
trained on: it stays a test set. Cross-validation is by question (5 folds) and by corpus (train
on one corpus, test on the other), and the threshold is chosen on out-of-fold scores.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.eval.gold import load_gold  # noqa: E402
from rag.eval.metrics import has_fact  # noqa: E402
from rag.answer.features import NAMES  # noqa: E402
from rag.answer.question import analyze, parts  # noqa: E402
from rag.answer.rank import ANSWER_NAMES, WEIGHTS, answer_features  # noqa: E402
from rag.service import Rag  # noqa: E402
from rag.settings import load_settings  # noqa: E402

SETS = [("sample", "eval/gold.jsonl", "corpus"), ("dev", "eval/gold-dev.jsonl", "eval/dev-corpus")]
TIE = 0.10  # of the best utility; the curve is flat there and a lower threshold declines fewer answerable questions
WRONG_COST = 1.0  # a wrong answer with a citation costs what a right one gains (2 chose 0.6: a third of answerable questions declined)


def examples(tmp: Path) -> list[dict]:
    """One record per (question, part): feature rows, labels, and whether any candidate is right."""
    out = []
    for name, gold, corpus in SETS:
        rag = Rag(load_settings(index_dir=tmp / name))
        rag.ingest([ROOT / corpus])
        ranker = rag.ranker
        for item in load_gold(ROOT / gold):
            question = item.standalone or item.question
            _, hits = rag._retrieve(question, rag.options())
            texts = {s: rag.article(s).text for s in item.gold_sources}
            spans = [(s, t.find(ev), t.find(ev) + len(ev)) for ev in item.evidence for s, t in texts.items() if ev in t]
            pieces = parts(question)
            facts = item.key_facts if len(item.key_facts) == len(pieces) > 1 else None
            for i, piece in enumerate(pieces):
                cands, x, _ = ranker.features(analyze(piece), ranker.candidates(hits))
                wanted = [facts[i]] if facts else list(item.key_facts)
                y = [float(item.answerable and _overlaps(c, spans) and (not wanted or any(has_fact(c.text, f) for f in wanted)))
                     for c in cands]
                # Right to answer with: the sentence states every key fact of the part (any article may).
                ok = [float(item.answerable and bool(wanted) and all(has_fact(c.text, f) for f in wanted)) or v
                      for c, v in zip(cands, y)]
                out.append({"set": name, "id": item.id, "part": i, "answerable": item.answerable, "x": x,
                            "y": np.array(y), "ok": np.array(ok)})
    return out


def _overlaps(cand, spans) -> bool:
    return any(cand.hit.chunk.source == s and cand.start < e and st < cand.end for s, st, e in spans)


def fit(records: list[dict]) -> LogisticRegression:
    x = np.vstack([r["x"] for r in records if len(r["x"])])
    y = np.concatenate([r["y"] for r in records if len(r["x"])])
    return LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(x, y)


def out_of_fold(records: list[dict], folds: list[list[dict]]) -> None:
    """Score each record with a model that never saw it (its question's parts stay together)."""
    for test in folds:
        ids = {(r["set"], r["id"]) for r in test}
        model = fit([r for r in records if (r["set"], r["id"]) not in ids])
        for r in test:
            r["oof"] = model.predict_proba(r["x"])[:, 1] if len(r["x"]) else np.zeros(0)


def question_folds(records: list[dict], k: int = 5) -> list[list[dict]]:
    keys = sorted({(r["set"], r["id"]) for r in records})
    rng = np.random.default_rng(0)
    order = {key: int(f) for key, f in zip(keys, rng.permutation(len(keys)) % k)}
    return [[r for r in records if order[(r["set"], r["id"])] == f] for f in range(k)]


def stack(records: list[dict]) -> None:
    """Answerability features and label from the out-of-fold sentence scores."""
    for r in records:
        if not len(r["x"]):
            r["a"], r["right"] = None, False
            continue
        order = np.argsort(-r["oof"])[:2]
        r["a"] = answer_features([(float(r["oof"][i]), r["x"][i]) for i in order])
        r["right"] = bool(r["answerable"] and r["ok"][order[0]])


def fit_answerable(records: list[dict]) -> LogisticRegression:
    rows = [r for r in records if r["a"] is not None]
    return LogisticRegression(C=1.0, max_iter=2000).fit(np.vstack([r["a"] for r in rows]), [r["right"] for r in rows])


def answerable_out_of_fold(records: list[dict], folds: list[list[dict]]) -> None:
    for test in folds:
        ids = {(r["set"], r["id"]) for r in test}
        model = fit_answerable([r for r in records if (r["set"], r["id"]) not in ids])
        for r in test:
            r["conf"] = float(model.predict_proba(r["a"][None])[0, 1]) if r["a"] is not None else 0.0


def outcomes(records: list[dict]) -> list[tuple[float, str]]:
    """(confidence, what answering would be: right | wrong | unanswerable) per question part."""
    return [(r["conf"], "unanswerable" if not r["answerable"] else "right" if r["right"] else "wrong")
            for r in records]


def tradeoff(results: list[tuple[float, str]], grid: np.ndarray) -> list[dict]:
    rows = []
    n_ans = sum(k != "unanswerable" for _, k in results) or 1
    n_un = sum(k == "unanswerable" for _, k in results) or 1
    for t in grid:
        answered = [(s, k) for s, k in results if s >= t]
        right = sum(k == "right" for _, k in answered)
        wrong = sum(k != "right" for _, k in answered)
        rows.append({"threshold": round(float(t), 3), "right": right / n_ans,
                     "answerable_declined": sum(k != "unanswerable" and s < t for s, k in results) / n_ans,
                     "unanswerable_declined": sum(k == "unanswerable" and s < t for s, k in results) / n_un,
                     "utility": right - WRONG_COST * wrong})
    return rows


def report(name: str, records: list[dict]) -> None:
    y = np.concatenate([r["y"] for r in records if len(r["x"])])
    p = np.concatenate([r["oof"] for r in records if len(r["x"])])
    top1 = np.mean([bool(len(r["x"]) and r["y"][int(np.argmax(r["oof"]))]) for r in records if r["answerable"]])
    print(f"{name:28} sentence AUC {roc_auc_score(y, p):.3f}   best sentence right {top1:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="Cross-validate only; leave rag/answer/ranker.json alone.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records = examples(Path(tmp))
    out_of_fold(records, [[r for r in records if r["set"] == s] for s, _, _ in SETS])
    for s, _, _ in SETS:
        report(f"trained without {s}, on {s}", [r for r in records if r["set"] == s])
    folds = question_folds(records)
    out_of_fold(records, folds)
    for s, _, _ in SETS:
        report(f"5-fold by question, {s}", [r for r in records if r["set"] == s])
    stack(records)
    answerable_out_of_fold(records, folds)
    rows = tradeoff(outcomes(records), np.round(np.arange(0.05, 0.96, 0.05), 2))
    print("\nthreshold  right  answerable_declined  unanswerable_declined  utility")
    for row in rows:
        print(f"{row['threshold']:9.2f}  {row['right']:.3f}  {row['answerable_declined']:19.3f}  "
              f"{row['unanswerable_declined']:21.3f}  {row['utility']:7.1f}")
    # The utility curve is flat near its top: of the thresholds within TIE of the best, the lowest
    # (fewest answerable questions declined) is chosen.
    top = max(r["utility"] for r in rows)
    best = min((r for r in rows if r["utility"] >= top - TIE * abs(top)), key=lambda r: r["threshold"])
    model, answerable = fit(records), fit_answerable(records)
    print(f"\nchosen threshold {best['threshold']} (lowest within {TIE:.0%} of the highest utility: right - {WRONG_COST:g} x wrong, out of fold)")
    print("ranker: " + ", ".join(f"{n} {c:+.2f}" for n, c in zip(NAMES, model.coef_[0])))
    print("answerable: " + ", ".join(f"{n} {c:+.2f}" for n, c in zip(ANSWER_NAMES, answerable.coef_[0])))
    if not args.dry_run:
        WEIGHTS.write_text(json.dumps({
            "features": list(NAMES), "coef": [round(float(c), 6) for c in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), 6), "answer_features": list(ANSWER_NAMES),
            "answer_coef": [round(float(c), 6) for c in answerable.coef_[0]],
            "answer_intercept": round(float(answerable.intercept_[0]), 6), "threshold": best["threshold"],
            "trained_on": [g for _, g, _ in SETS], "tradeoff": rows}, indent=1) + "\n")
        print(f"wrote {WEIGHTS}")


if __name__ == "__main__":
    main()
