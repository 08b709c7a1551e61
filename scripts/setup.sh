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
# --test adds the test tools, --llamacpp in-process GGUF models (llm=llamacpp); both build llama.cpp.
extras=""
for arg in "$@"; do
  case "$arg" in
    --test) extras="${extras:+$extras,}test" ;;
    --llamacpp) extras="${extras:+$extras,}llamacpp" ;;
    *) echo "setup: unknown option $arg (use --test, --llamacpp)" >&2; exit 2 ;;
  esac
done
# Within the tested pins (requirements.lock): a fresh install gets what the tests passed with.
# llama-cpp-python compiles llama.cpp from source, and pip's default build uses every instruction this CPU
# has: on a CPU with AMX it crashed at the first matrix product, and a wheel built so would crash on older
# CPUs. Build once for any x86-64 CPU of the last ten years (AVX2, FMA, F16C), into a folder named after
# the version and flags: pip's own wheel cache does not see CMAKE_ARGS and would hand back a native build.
portable_llama() {
  local version flags key dir
  version=$(sed -n 's/^llama[-_]cpp[-_]python==//Ip' requirements.lock)
  flags="-DGGML_NATIVE=OFF"
  if [ "$(uname -m)" = x86_64 ]; then
    flags="$flags -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF"
    flags="$flags -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AVX_VNNI=OFF"
    flags="$flags -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  fi
  key=$(printf '%s %s' "$version" "$flags" | sha256sum | cut -c1-16)
  dir="${NEWSRAG_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/newsrag/wheels}/llama-cpp-python-$key"
  [ -f ".venv/.llama-portable-$key" ] && return 0
  if ! compgen -G "$dir/llama_cpp_python-*.whl" >/dev/null; then
    echo "setup: building llama-cpp-python $version for any x86-64 CPU, once" \
         "(about 4-7 minutes on 2 cores, with no output meanwhile)" >&2
    CMAKE_ARGS="$flags" "${pip[@]}" wheel --no-deps --no-binary llama-cpp-python --no-cache-dir \
      -w "$dir" "llama-cpp-python==$version"
  fi
  "${pip[@]}" install --force-reinstall --no-deps "$dir"/llama_cpp_python-*.whl
  rm -f .venv/.llama-portable-* && touch ".venv/.llama-portable-$key"
}
if [ -n "$extras" ]; then portable_llama; fi
"${pip[@]}" install -c requirements.lock -e ".${extras:+[$extras]}"
if [[ ",$extras," == *",test,"* ]] && [ ! -x /usr/bin/chromium ]; then
  # The browser tests drive Debian's Chromium (never a downloaded browser build).
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "setup: the browser tests need /usr/bin/chromium (apt-get install chromium chromium-driver)" >&2
  fi
fi
# Export the embedding model to ONNX (and int8) now, so the first question does not wait for it.
.venv/bin/python -m rag.embed
