#!/usr/bin/env bash
# Writes the committed seed corpus of the .qvb fuzzers, Tests/Fuzz/seeds/: a seeded random BERT
# (tools/make_random_bert.py; 1 layer, hidden 16, 64 positions, 215 words of MiniLM's vocabulary)
# compiled at fp32, w8a8, w2a2 (also with zstd) and w1a1, and the same encoder with a 3-label
# classifier head at w2a2 — every op, layout and role qvc writes for a BERT, in 20–40 KB each.
# Usage: tools/make-fuzz-seeds.sh [QVC]   (default .build/release/qvc)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
qvc="${1:-$root/.build/release/qvc}"
out="$root/Tests/Fuzz/seeds"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/vocab" "$out"
# MiniLM's first 104 entries (the special ids stay 0 and 100–103), its single characters, and
# the words of the harness's probe sentence.
vocab="$("$root/tools/minilm-dir.sh")/vocab.txt"
{ head -n 104 "$vocab"; sed -n 1000,1100p "$vocab"; grep -x -E 'the|quick|brown|fox|jumps|over|lazy|dog|word|##s' "$vocab"; } \
    > "$work/vocab/vocab.txt"
shape=(--hidden 16 --layers 1 --heads 2 --intermediate 32 --max-positions 64 --seed 11 --vocab-from "$work/vocab")
python3 "$root/tools/make_random_bert.py" "$work/bert" "${shape[@]}" > /dev/null
python3 "$root/tools/make_random_bert.py" "$work/classifier" "${shape[@]}" --labels negative,neutral,positive > /dev/null
for bits in fp32 w8a8 w2a2 w1a1; do
    "$qvc" compile "$work/bert" --bits "$bits" -o "$out/bert-$bits.qvb" > /dev/null
done
"$qvc" compile "$work/bert" --bits w2a2 --zstd -o "$out/bert-w2a2-zstd.qvb" > /dev/null
"$qvc" compile "$work/classifier" --bits w2a2 -o "$out/classifier-w2a2.qvb" > /dev/null
ls -l "$out"
