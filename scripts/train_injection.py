"""Train the instruction screen (rag/answer/injection.json): logistic regression over character n-grams.

    .venv/bin/python scripts/train_injection.py            # cross-validate, test, write the weights
    .venv/bin/python scripts/train_injection.py --dry-run  # print the tables only

Positives: the "instruction" lines of eval/injection/train.jsonl (planted instructions, several languages).
Negatives: its "news" lines (hard cases: directives reported in news) and every sentence of the sample
corpus (corpus/) and the dev corpus (eval/dev-corpus/). Features and C are chosen by 5-fold
cross-validated AUC; sentence embeddings (all-MiniLM-L6-v2) are scored the same way for comparison.
eval/injection/heldout.jsonl, written apart and never trained on or chosen by, is the test. The threshold
keeps the out-of-fold false-positive rate on news sentences at MAX_FPR: a false positive drops a real
sentence from the prompt; a miss is still met by the random delimiters and the system prompt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.answer.injection import InstructionModel  # noqa: E402
from rag.embed import make_embedder  # noqa: E402
from rag.lexicon.sentences import sentence_spans  # noqa: E402
from rag.settings import DEFAULT_MODEL  # noqa: E402

MAX_FPR = 0.03
CS = (3.0, 10.0, 30.0)
NGRAMS = (2, 5)
FOLDS = StratifiedKFold(5, shuffle=True, random_state=0)


def labelled(path: Path) -> list[tuple[str, int, str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(r["text"], int(r["label"] == "instruction"), r.get("lang", "?")) for r in rows]


def corpus_sentences(folder: Path) -> list[str]:
    out = []
    for file in sorted(folder.glob("*.txt")):
        text = file.read_text(encoding="utf-8", errors="replace")
        out += [text[s:e].strip() for s, e in sentence_spans(text) if len(text[s:e].split()) >= 4]
    return list(dict.fromkeys(out))


def pipeline(c: float):
    return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, min_df=2, sublinear_tf=True),
                         LogisticRegression(C=c, class_weight="balanced", max_iter=3000))


def oof(model, x, y) -> np.ndarray:
    return cross_val_predict(model, x, y, cv=FOLDS, method="predict_proba")[:, 1]


def rates(scores: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float]:
    flagged = scores >= threshold
    return float(flagged[y == 1].mean()), float(flagged[y == 0].mean())


def ours(fitted) -> InstructionModel:
    """The fitted pipeline as rag/answer/injection.py reads it."""
    vec, lr = fitted
    coef = lr.coef_[0]
    vocab = {g: (float(vec.idf_[i]), float(coef[i])) for g, i in vec.vocabulary_.items()}
    return InstructionModel(vocab, float(lr.intercept_[0]), 0.5, NGRAMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    train = labelled(ROOT / "eval/injection/train.jsonl")
    news = corpus_sentences(ROOT / "corpus") + corpus_sentences(ROOT / "eval/dev-corpus")
    texts = [t for t, _, _ in train] + news
    y = np.array([label for _, label, _ in train] + [0] * len(news))
    print(f"training: {int(y.sum())} instructions, {int((y == 0).sum())} news sentences ({len(news)} from the corpora)")
    embed = make_embedder(DEFAULT_MODEL, "onnx-int8", 32, Path("~/.cache/newsrag").expanduser()).embed
    emb = LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000)
    print(f"5-fold CV AUC, sentence embeddings (C=10): {roc_auc_score(y, oof(emb, embed(texts), y)):.3f}")
    aucs = {c: roc_auc_score(y, oof(pipeline(c), texts, y)) for c in CS}
    best = max(CS, key=aucs.get)
    print("5-fold CV AUC, char n-grams: " + ", ".join(f"C={c:g} {a:.3f}" for c, a in aucs.items()))
    scores = oof(pipeline(best), texts, y)
    threshold = float(np.quantile(scores[y == 0], 1 - MAX_FPR))
    recall, fpr = rates(scores, y, threshold)
    print(f"chosen C={best:g}, threshold {threshold:.3f}: out-of-fold recall {recall:.3f}, false positives {fpr:.1%}")
    fitted = pipeline(best).fit(texts, y)
    test = labelled(ROOT / "eval/injection/heldout.jsonl")
    ty, tx = np.array([label for _, label, _ in test]), [t for t, _, _ in test]
    ts = fitted.predict_proba(tx)[:, 1]
    mine = ours(fitted)
    drift = max(abs(mine.score(t) - p) for t, p in zip(tx + texts, np.r_[ts, fitted.predict_proba(texts)[:, 1]]))
    assert drift < 1e-6, f"rag/answer/injection.py scores differ from scikit-learn's by {drift}"
    recall, fpr = rates(ts, ty, threshold)
    print(f"held-out ({int(ty.sum())} instructions, {int((ty == 0).sum())} hard news): AUC "
          f"{roc_auc_score(ty, ts):.3f}; recall {recall:.3f}, false positives {fpr:.1%}")
    print("\nheld-out by language   instructions caught   news flagged")
    for lang in sorted({lang for _, _, lang in test}):
        mask = np.array([lg == lang for _, _, lg in test])
        caught, wrong = ts[mask & (ty == 1)] >= threshold, ts[mask & (ty == 0)] >= threshold
        print(f"  {lang:<20} {int(caught.sum()):>3}/{caught.size:<16} {int(wrong.sum())}/{wrong.size}")
    if not args.dry_run:
        vocab = {g: [round(idf, 6), round(w, 6)] for g, (idf, w) in sorted(mine.vocabulary.items()) if w}
        out = {"features": "char_wb", "ngrams": list(NGRAMS), "C": best, "threshold": round(threshold, 6),
               "bias": mine.bias, "vocabulary": vocab}
        (ROOT / "rag/answer/injection.json").write_text(json.dumps(out, ensure_ascii=False) + "\n", encoding="utf-8")
        print("\nwrote rag/answer/injection.json")


if __name__ == "__main__":
    main()
