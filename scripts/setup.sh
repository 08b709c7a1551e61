#!/usr/bin/env bash
# Create .venv and install the project (CPU-only torch). Idempotent; `--test` adds test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
# setuptools warns at every editable install that a folder named like the package may shadow it:
# here that folder is the package itself, so there is nothing for the user to do.
export PYTHONWARNINGS="ignore:Editable installation:UserWarning"
pip=(.venv/bin/python -m pip -q --disable-pip-version-check)
"${pip[@]}" install --upgrade pip
# torch goes first and pinned: an unpinned torch pulled in by sentence-transformers
# would be the multi-GB CUDA build. Elsewhere, point TORCH_INDEX_URL at a CPU wheel index.
"${pip[@]}" install "torch==${TORCH_VERSION:-2.13.0}" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
extras=""
if [ "${1:-}" = "--test" ]; then extras="[test]"; fi
# Within the tested pins (requirements.lock): a fresh install gets what the tests passed with.
if [ -n "$extras" ] && ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  echo "setup: installing the test tools; llama-cpp-python compiles from source the first time" \
       "(about 4-7 minutes on 2 cores, with no output meanwhile)" >&2
fi
"${pip[@]}" install -c requirements.lock -e ".${extras}"
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  # The browser tests drive Debian's Chromium (never a downloaded browser build).
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "setup: the browser tests need /usr/bin/chromium (apt-get install chromium chromium-driver)" >&2
  fi
fi
# Export the embedding model to ONNX (and int8) now, so the first question does not wait for it.
.venv/bin/python -m rag.embed.onnx_model
