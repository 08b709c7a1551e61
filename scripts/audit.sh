#!/usr/bin/env bash
# Check the pinned dependencies (requirements.lock) against known advisories with pip-audit.
# Exit 1 on any advisory. pip-audit asks pypi.org's per-release JSON API (or OSV); where neither
# answers (an offline or proxied machine), nothing can be audited: that is said loudly, and with
# --strict it is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${AUDIT_VENV:-/tmp/newsrag-audit-venv}"
[ -x "$venv/bin/pip-audit" ] || { python3 -m venv "$venv" && "$venv/bin/python" -m pip install -q pip-audit 2>/dev/null; }
if ! python3 -c "import urllib.request as u; u.urlopen('https://pypi.org/pypi/pip/24.0/json', timeout=10)" 2>/dev/null; then
  echo "audit: NOT AUDITED - pypi.org's per-release JSON API does not answer from this machine" >&2
  [ "${1:-}" = "--strict" ] && exit 1
  exit 0
fi
"$venv/bin/pip-audit" --strict --no-deps --disable-pip -r requirements.lock
