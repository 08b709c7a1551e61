#!/usr/bin/env bash
# Install from pyproject.toml alone (no lock, not editable) into a throwaway venv and load one
# file of each type: an import the package uses but does not declare fails here, not for a user.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
venv="${PACKAGING_VENV:-${TMPDIR:-/tmp}/newsrag-packaging}"
rm -rf "$venv"
python="${PYTHON:-python3}"
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip -q --disable-pip-version-check)
echo "packaging check: installing from pyproject.toml alone into $venv (a few minutes)" >&2
"${pip[@]}" install "torch==${TORCH_VERSION:-2.13.0}" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
"${pip[@]}" install "$root"
rm -rf "$root/build"  # setuptools builds the wheel in the checkout
cd "${TMPDIR:-/tmp}"  # away from the checkout: `import rag` must be the installed package
"$venv/bin/python" "$root/scripts/load_each_type.py"
