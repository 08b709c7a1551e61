#!/usr/bin/env bash
# Audit pinned dependencies against known advisories: `bash scripts/audit.sh [LOCK_FILE]` (default
# requirements.lock). Prints a table; exit 0 clean, 1 an advisory not reviewed (or a review expired),
# 2 could not audit. The reviewed advisories and held pins are in scripts/reviewed-advisories.toml.
# scripts/audit.py does the work and says in its header what pip-audit can and cannot answer here.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${AUDIT_VENV:-/tmp/newsrag-audit-venv}"
# pip-audit answers for pins older than the latest release where its advisory service is reachable.
[ -x "$venv/bin/pip-audit" ] || { python3 -m venv "$venv" && "$venv/bin/python" -m pip install -q pip-audit; } \
  >/dev/null 2>&1 || echo "audit: pip-audit could not be installed; older pins need a hold in the reviewed file" >&2
python="$venv/bin/python"; [ -x "$python" ] || python=python3
exec "$python" scripts/audit.py "$@"
