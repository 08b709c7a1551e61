"""Make a finished `rag eval suite` run the reference: copy its reports into eval/reference/suite/ (and
the sample set's into eval/reference/defaults/), and write the README's quality table from them, so
the README says what a newcomer's `rag eval suite` prints (tests/unit/test_settings.py checks it).

    .venv/bin/rag eval suite --name NAME && .venv/bin/python scripts/refresh_reference.py NAME
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEEP = ("summary.json", "report.md", "results.jsonl", "latency.png", "metrics.png", "risk_coverage.png", "tradeoff.png")
KEYS = ("key_fact_accuracy", "false_decline", "declined_unanswerable", "assertion_precision",
        "assertion_coverage", "unanswerable_no_short", "citation_source_precision")


def copy(src: Path, dst: Path) -> None:
    for name in KEEP:
        if (src / name).exists() and (name != "results.jsonl" or (dst / name).exists()):
            shutil.copy2(src / name, dst / name)


def row(name: str, summary: dict) -> str:
    return f"| {name} | " + " | ".join("—" if summary.get(k) is None else f"{summary[k]:.3f}" for k in KEYS) + " |"


def main(run: str) -> int:
    reports = ROOT / "eval" / "reports" / run
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for folder in sorted(p for p in reports.iterdir() if p.is_dir()):
        target = ROOT / "eval" / "reference" / "suite" / folder.name
        target.mkdir(parents=True, exist_ok=True)
        copy(folder, target)
        summary = json.loads((folder / "summary.json").read_text())["summary"]
        readme = re.sub(rf"^\| {re.escape(folder.name)} \| .+ \|$", row(folder.name, summary), readme, flags=re.M)
    copy(reports / "sample", ROOT / "eval" / "reference" / "defaults")
    (ROOT / "README.md").write_text(readme, encoding="utf-8")
    print(f"eval/reference/ and the README's quality table now hold {reports}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
