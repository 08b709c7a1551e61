"""scripts/audit.sh against a package index on loopback: a planted vulnerable pin fails, a reviewed one
passes, an expired review fails, an unreachable index is 'could not audit'. (.ci/run also audits the real
lock file and a planted pin against the real index.)"""

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
ECDSA = {"id": "GHSA-wj6h-64fc-37mp", "aliases": ["CVE-2024-23342", "PYSEC-2026-1325"], "fixed_in": []}
PROJECTS = {
    "ecdsa": {"info": {"version": "0.19.2"}, "vulnerabilities": [ECDSA, {**ECDSA, "id": "PYSEC-2026-1325"}]},
    "idna": {"info": {"version": "3.11"}, "vulnerabilities": []},
    "pillow": {"info": {"version": "13.0.0"}, "vulnerabilities": []},
}


class _Index(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the handler's API
        name = self.path.strip("/").split("/")[1] if self.path.count("/") >= 3 else ""
        body = json.dumps(PROJECTS[name]).encode() if name in PROJECTS else b'{"message": "Not Found"}'
        self.send_response(200 if name in PROJECTS else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def index():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Index)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/pypi"
    server.shutdown()


def audit(tmp_path, index, pins: str, reviewed: str = "") -> subprocess.CompletedProcess:
    (tmp_path / "pins.lock").write_text(pins)
    (tmp_path / "reviewed.toml").write_text(reviewed)
    # PIP_AUDIT points at nothing: what pip-audit would answer is not this test's question.
    return subprocess.run(["bash", "scripts/audit.sh", str(tmp_path / "pins.lock"), "--reviewed",
                           str(tmp_path / "reviewed.toml"), "--index", index], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "PIP_AUDIT": "/nonexistent"})


def row(out: str, package: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(package + " "))


def reviewed_entry(kind: str, key: str, value: str, package: str, review_by: str) -> str:
    return (f'[[{kind}]]\n{key} = "{value}"\npackage = "{package}"\nreason = "tested"\nreviewed = 2026-01-01\n'
            f"review_by = {review_by}\n")


def test_a_planted_pin_with_an_unfixed_advisory_fails_the_audit(tmp_path, index):
    done = audit(tmp_path, index, "idna==3.11\necdsa==0.19.2\n")
    assert done.returncode == 1, done.stdout + done.stderr
    assert row(done.stdout, "ecdsa").count("CVE-2024-23342 not reviewed") == 1  # one flaw, listed twice
    assert "audit: ADVISORY" in done.stdout and "1 audited and pass" in done.stdout  # idna


def test_a_reviewed_advisory_passes_by_any_alias_until_its_review_date(tmp_path, index):
    entry = reviewed_entry("advisory", "id", "PYSEC-2026-1325", "ecdsa", "2999-01-01")
    done = audit(tmp_path, index, "ecdsa==0.19.2\n", entry)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "reviewed" in row(done.stdout, "ecdsa")
    expired = audit(tmp_path, index, "ecdsa==0.19.2\n", entry.replace("2999-01-01", "2020-01-01"))
    assert expired.returncode == 1 and "review expired 2020-01-01" in row(expired.stdout, "ecdsa")


def test_an_older_pin_is_listed_with_the_refresh_command_and_does_not_fail(tmp_path, index):
    """Someone else publishing a release must not turn the build red (issue 24 #13)."""
    done = audit(tmp_path, index, "pillow==12.3.0\nidna==3.11\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "older than latest, not audited: python3 scripts/refresh_lock.py" in row(done.stdout, "pillow")
    assert "1 older than the latest release" in done.stdout and "audit: CLEAN" in done.stdout
    hold = reviewed_entry("held", "pin", "12.3.0", "Pillow", "2999-01-01")
    held = audit(tmp_path, index, "pillow==12.3.0\n", hold)
    assert held.returncode == 0 and "held (reviewed)" in row(held.stdout, "pillow")
    expired = audit(tmp_path, index, "pillow==12.3.0\n", hold.replace("2999-01-01", "2020-01-01"))
    assert expired.returncode == 0 and "hold review expired 2020-01-01" in row(expired.stdout, "pillow")


def test_what_cannot_be_audited_says_so_and_exits_2(tmp_path, index):
    unknown = audit(tmp_path, index, "not-on-this-index==1.0\n")
    assert unknown.returncode == 2 and "could not audit: HTTPError" in row(unknown.stdout, "not-on-this-index")
    down = audit(tmp_path, f"http://127.0.0.1:{free_port()}/pypi", "idna==3.11\n")
    assert down.returncode == 2 and "NOT AUDITED" in down.stdout
    loose = audit(tmp_path, index, "idna>=3\n")
    assert loose.returncode == 2 and "pins.lock:1: not an exact pin" in loose.stderr
    no_reason = audit(tmp_path, index, "idna==3.11\n", '[[advisory]]\nid = "X"\npackage = "idna"\n')
    assert no_reason.returncode == 2 and "lacks reason, review_by" in no_reason.stderr


def test_every_hold_and_reviewed_advisory_names_a_pin_we_have():
    """A stale entry (package upgraded or gone) would silently excuse a future pin."""
    import tomllib

    pins = {line.split("==")[0].lower(): line.split("==")[1].strip()
            for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line}
    reviewed = tomllib.loads((ROOT / "scripts" / "reviewed-advisories.toml").read_text())
    for hold in reviewed["held"]:
        assert pins.get(hold["package"].lower()) == hold["pin"], hold
    assert {a["package"] for a in reviewed["advisory"]} <= set(pins)
