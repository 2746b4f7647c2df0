#!/usr/bin/env bash
# Generates the reference fixtures the tests compare against, once, into .cache/fixtures/
# (regenerated only when the sentences, the model or the reference script change):
#   minilm-reference.jsonl  ids + FP32 sentence embeddings of Tests/Fixtures/sentences.jsonl
#                           from tools/bert_reference.py (numpy + HF tokenizers).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="$("$root/tools/minilm-dir.sh")"
out="$root/.cache/fixtures"
mkdir -p "$out"
key="$(cat "$root/Tests/Fixtures/sentences.jsonl" "$root/tools/bert_reference.py" "$model/config.json" | sha256sum | cut -c1-16)"
target="$out/minilm-reference.jsonl"
if [ ! -s "$target" ] || [ "$(cat "$target.key" 2>/dev/null)" != "$key" ]; then
    echo "fixtures: computing reference embeddings for $(wc -l < "$root/Tests/Fixtures/sentences.jsonl") sentences" >&2
    python3 "$root/tools/bert_reference.py" "$model" "$root/Tests/Fixtures/sentences.jsonl" "$target.tmp"
    mv "$target.tmp" "$target"
    echo "$key" > "$target.key"
fi
