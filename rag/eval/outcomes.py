"""What a reader sees, scored: the bold short answers, each question's outcome, and the curve of risk
against coverage as the decline threshold moves. Pure functions over eval result rows."""

from __future__ import annotations

OUTCOME_KEYS = ["assertion_precision", "assertion_coverage", "unanswerable_no_short", "outcome_as_expected"] + [
    f"{who}_{status}" for who in ("answerable", "unanswerable") for status in ("answered", "passages", "declined")]


def assertion_metrics(rows: list[dict]) -> dict:
    """What a user would see: the share of bold short answers that hold the key facts (precision; a
    short answer to an unanswerable question is wrong), right short answers over answerable questions
    (coverage), unanswerable questions given no short answer, and each outcome's share."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    shorts = [r for r in rows if r.get("short_answer")]
    out = {"assertion_precision": _share(sum(r["short_right"] for r in shorts), len(shorts)),
           "assertion_coverage": _share(sum(r["short_right"] for r in answerable), len(answerable)),
           "unanswerable_no_short": _share(sum(not r.get("short_answer") for r in unanswerable), len(unanswerable)),
           "outcome_as_expected": _share(sum(r.get("status") == r.get("expected") for r in rows), len(rows))}
    for who, group in (("answerable", answerable), ("unanswerable", unanswerable)):
        for status in ("answered", "passages", "declined"):
            out[f"{who}_{status}"] = _share(sum(r.get("status") == status for r in group), len(group))
    return out


def _share(part: float, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def risk_coverage(rows: list[dict]) -> list[dict]:
    """Selective answering: for each confidence a decline threshold could sit at, the share of questions
    answered (coverage) and the share of those answered wrongly (risk: key facts missing, or an
    unanswerable question answered)."""
    out = []
    for t in sorted({r["confidence"] for r in rows}, reverse=True):
        kept = [r for r in rows if r["confidence"] >= t]
        wrong = sum(not r["answerable"] or not r.get("correct_if_answered") for r in kept)
        out.append({"threshold": t, "coverage": len(kept) / len(rows), "risk": wrong / len(kept)})
    return out
