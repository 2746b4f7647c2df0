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
    # sentences.jsonl holds JSON strings and {"repeat", "times"} recipes for ~100k-character
    # texts; expand the recipes so the long texts get reference embeddings (truncated) too.
    # kinds.txt names each line's kind: "sweep" for the synthetic Unicode sweep lines (runs of
    # rare code points, not language), "text" for tweets, hand-written cases and long texts.
    python3 - "$root/Tests/Fixtures/sentences.jsonl" "$out/texts.jsonl" "$out/kinds.txt" "$root/tools" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[4])
from pick_sentences import sweep_lines
sweeps = set(sweep_lines())
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out, \
        open(sys.argv[3], "w") as kinds:
    for line in f:
        item = json.loads(line)
        text = item if isinstance(item, str) else item["repeat"] * item["times"]
        out.write(json.dumps(text, ensure_ascii=False) + "\n")
        kinds.write(("sweep" if text in sweeps else "text") + "\n")
PY
    echo "fixtures: computing reference embeddings for $(wc -l < "$out/texts.jsonl") texts" >&2
    python3 "$root/tools/bert_reference.py" "$model" "$out/texts.jsonl" "$target.tmp"
    mv "$target.tmp" "$target"
    echo "$key" > "$target.key"
fi
