"""Audit a lock file's pins against known advisories; print a table; exit 0 clean, 1 advisory, 2 could not audit.

Why not pip-audit alone: pip-audit asks PyPI's per-release JSON API (/pypi/NAME/VERSION/json) or OSV, and
neither answers from this project's build machines, so pip-audit skips every package. The project JSON
(/pypi/NAME/json, the host pip installs from) does answer, and its `vulnerabilities` list covers the latest
release. So this script audits itself every pin that equals the latest release (an advisory on the latest
release with no fix is taken to reach older pins too), and hands older pins to pip-audit. An older pin
that pip-audit cannot answer for is listed, with the command that refreshes the lock
(scripts/refresh_lock.py), but does not fail the audit: a build must not go red because someone else
published a release. A pin held below its latest release on purpose is listed as held in the reviewed file.

Every advisory found must be listed in the reviewed file (id or any alias, the package, why it does not
reach our users or what we do about it, a review-by date); an unlisted advisory or a review past its date
fails the audit. Exit codes: 0 no known advisory, 1 a known advisory not reviewed (or its review expired),
2 the advisory source could not be reached (or the lock or reviewed file could not be read).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INDEX = "https://pypi.org/pypi"
CLEAN, ADVISORY, UNAUDITED = 0, 1, 2
REFRESH = "python3 scripts/refresh_lock.py"


@dataclass(frozen=True)
class Row:
    """One pin's verdict: `status` is CLEAN, ADVISORY or UNAUDITED."""

    package: str
    pin: str
    latest: str = "?"
    advisories: tuple[str, ...] = ()
    verdict: str = "ok"
    status: int = CLEAN


@dataclass(frozen=True)
class Reviewed:
    """The reviewed file: advisories accepted for now, and pins held below the latest release."""

    advisories: dict[tuple[str, str], dt.date] = field(default_factory=dict)
    held: dict[tuple[str, str], dt.date] = field(default_factory=dict)


def norm(name: str) -> str:
    """PEP 503 name: the same package however a file spells it."""
    return name.lower().replace("_", "-").replace(".", "-")


def read_pins(path: Path) -> list[tuple[str, str]]:
    """`name==version` lines of a lock file (comments, blanks and hashes ignored)."""
    pins = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].split(";", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("--"):
            continue
        if "==" not in line:
            raise ValueError(f"{path}:{number}: not an exact pin (name==version): {raw.strip()!r}")
        name, version = (part.strip() for part in line.split("==", 1))
        pins.append((name.split("[", 1)[0], version))
    return pins


def read_reviewed(path: Path) -> Reviewed:
    """Parse the reviewed file, refusing an entry without a reason or a review-by date."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    advisories, held = {}, {}
    for kind, key, target in (("advisory", "id", advisories), ("held", "pin", held)):
        for n, entry in enumerate(data.get(kind, []), 1):
            missing = [k for k in ("package", key, "reason", "review_by") if not entry.get(k)]
            if missing:
                raise ValueError(f"{path}: [[{kind}]] entry {n} lacks {', '.join(missing)}")
            if not isinstance(entry["review_by"], dt.date):
                raise ValueError(f"{path}: [[{kind}]] entry {n}: review_by must be a TOML date (2027-01-31)")
            ident = str(entry[key]).upper() if kind == "advisory" else str(entry[key])  # ids match in any case
            target[(norm(entry["package"]), ident)] = entry["review_by"]
    return Reviewed(advisories, held)


def advisory_groups(vulnerabilities: list[dict]) -> list[frozenset[str]]:
    """One set of ids per advisory: PyPI lists the GHSA and PYSEC records of one flaw separately."""
    groups: list[set[str]] = []
    for vuln in vulnerabilities:
        ids = {vuln["id"].upper(), *(alias.upper() for alias in vuln.get("aliases") or ())}
        for group in [g for g in groups if g & ids]:
            groups.remove(group)
            ids |= group
        groups.append(ids)
    return [frozenset(g) for g in groups]


def label(group: frozenset[str]) -> str:
    """The advisory's most recognisable id: a CVE if it has one."""
    return min(group, key=lambda i: (not i.startswith("CVE-"), not i.startswith("GHSA-"), i))


def judge(package: str, pin: str, latest: str, vulns: list[dict], reviewed: Reviewed, today: dt.date) -> Row:
    """A pin's verdict from its project's latest release, its advisories and the reviewed file."""
    groups = advisory_groups(vulns)
    ids = tuple(sorted(label(g) for g in groups))
    problems = []
    for group in groups:
        dates = [reviewed.advisories[(norm(package), i)] for i in group if (norm(package), i) in reviewed.advisories]
        if not dates:
            problems.append(f"{label(group)} not reviewed")
        elif max(dates) < today:
            problems.append(f"{label(group)} review expired {max(dates)}")
    if problems:
        return Row(package, pin, latest, ids, "FAIL: " + "; ".join(problems), ADVISORY)
    if pin != latest:
        held = reviewed.held.get((norm(package), pin))
        if held is None:
            return Row(package, pin, latest, ids, f"older than latest, not audited: {REFRESH}")
        if held < today:
            return Row(package, pin, latest, ids, f"hold review expired {held}, not audited: {REFRESH}")
        return Row(package, pin, latest, ids, "held (reviewed)" + (", advisories reviewed" if ids else ""))
    return Row(package, pin, latest, ids, "reviewed" if ids else "ok")


def fetch(index: str, package: str) -> dict:
    """The project JSON, retried once: a flaky answer should not read as 'not audited'."""
    url = f"{index.rstrip('/')}/{norm(package)}/json"
    try:
        return _get_json(url)
    except Exception:
        return _get_json(url)


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.load(response)


def audit_pin(index: str, package: str, pin: str, reviewed: Reviewed, today: dt.date) -> Row:
    """One pin: fetch its project JSON and judge it; an unreachable index gives UNAUDITED."""
    try:
        data = fetch(index, package)
    except Exception as error:
        return Row(package, pin, verdict=f"could not audit: {type(error).__name__}: {error}"[:90], status=UNAUDITED)
    return judge(package, pin, data["info"]["version"], data.get("vulnerabilities") or [], reviewed, today)


def pip_audit(rows: list[Row]) -> dict[str, list[str]]:
    """Ask pip-audit about older pins; return {package: advisory ids} for those it could answer for."""
    tool = os.environ.get("PIP_AUDIT") or str(Path(sys.prefix) / "bin" / "pip-audit")
    older = [r for r in rows if r.latest not in ("?", r.pin)]
    if not older or not Path(tool).exists():
        return {}
    reqs = "".join(f"{r.package}=={r.pin}\n" for r in older)
    done = subprocess.run(
        [tool, "--no-deps", "--disable-pip", "--progress-spinner", "off", "-f", "json", "-r", "/dev/stdin"],
        input=reqs, capture_output=True, text=True, timeout=300,
    )
    try:
        found = json.loads(done.stdout)["dependencies"]
    except (ValueError, KeyError):
        return {}
    return {norm(d["name"]): [v["id"] for v in d["vulns"]] for d in found if "skip_reason" not in d}


def with_pip_audit(rows: list[Row], answers: dict[str, list[str]], reviewed: Reviewed, today: dt.date) -> list[Row]:
    """Older pins pip-audit answered for are judged on its advisories instead of a hold."""
    out = []
    for row in rows:
        ids = answers.get(norm(row.package))
        if ids is None or row.status == ADVISORY:
            out.append(row)
            continue
        verdict = judge(row.package, row.pin, row.pin, [{"id": i} for i in ids], reviewed, today)
        out.append(Row(row.package, row.pin, row.latest, verdict.advisories, verdict.verdict + " (pip-audit)",
                       verdict.status))
    return out


def table(rows: list[Row], quiet: bool) -> str:
    """Plain text table; with `quiet`, only pins that are not plainly clean."""
    shown = [r for r in rows if not quiet or r.status or r.advisories or r.pin != r.latest]
    head = ("package", "pin", "latest", "advisories", "verdict")
    cells = [head] + [(r.package, r.pin, r.latest, ", ".join(r.advisories) or "-", r.verdict) for r in shown]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    return "\n".join("  ".join(c[i].ljust(widths[i]) for i in range(4)) + "  " + c[4] for c in cells)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lock", nargs="?", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--reviewed", type=Path, default=ROOT / "scripts" / "reviewed-advisories.toml")
    parser.add_argument("--index", default=os.environ.get("AUDIT_INDEX_URL", INDEX))
    parser.add_argument("--all", action="store_true", help="list every pin, not only those worth a look")
    args = parser.parse_args(argv)
    today = dt.date.today()
    try:
        pins, reviewed = read_pins(args.lock), read_reviewed(args.reviewed)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as error:
        print(f"audit: could not audit: {error}", file=sys.stderr)
        return UNAUDITED
    with ThreadPoolExecutor(8) as pool:
        rows = list(pool.map(lambda p: audit_pin(args.index, *p, reviewed, today), pins))
    rows = with_pip_audit(rows, pip_audit(rows), reviewed, today)
    print(table(rows, quiet=not args.all))
    status = ADVISORY if any(r.status == ADVISORY for r in rows) else max((r.status for r in rows), default=CLEAN)
    held = sum(r.status == CLEAN and r.verdict.startswith("held") for r in rows)
    older = sum(r.status == CLEAN and "not audited" in r.verdict for r in rows)
    counts = {s: sum(r.status == s for r in rows) for s in (CLEAN, ADVISORY, UNAUDITED)}
    verdict = {CLEAN: "CLEAN", ADVISORY: "ADVISORY", UNAUDITED: "NOT AUDITED"}[status]
    print(f"audit: {verdict}: {len(rows)} pins in {args.lock.name} (advisories from {args.index}): "
          f"{counts[CLEAN] - held - older} audited and pass, {held} held below the latest release by review "
          f"(not audited), {older} older than the latest release (not audited; refresh: {REFRESH}), "
          f"{counts[ADVISORY]} fail, {counts[UNAUDITED]} could not be audited")
    return status


if __name__ == "__main__":
    sys.exit(main())
