#!/usr/bin/env bash
# Writes the committed seed corpora of the fuzz harnesses, Tests/Fuzz/seeds/HARNESS/. For qvb: a seeded random BERT
# (tools/make_random_bert.py; 1 layer, hidden 16, 64 positions, 215 words of MiniLM's vocabulary)
# compiled at fp32, w8a8, w2a2 (also with zstd) and w1a1, and the same encoder with a 3-label
# classifier head at w2a2 — every op, layout and role qvc writes for a BERT, in 20–40 KB each.
# Usage: tools/make-fuzz-seeds.sh [QVC]   (default .build/release/qvc)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
qvc="${1:-$root/.build/release/qvc}"
out="$root/Tests/Fuzz/seeds"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
mkdir -p "$work/vocab" "$out/qvb"
# MiniLM's first 104 entries (the special ids stay 0 and 100–103), its single characters, and
# the words of the harness's probe sentence.
vocab="$("$root/tools/minilm-dir.sh")/vocab.txt"
{ head -n 104 "$vocab"; sed -n 1000,1100p "$vocab"; grep -x -E 'the|quick|brown|fox|jumps|over|lazy|dog|word|##s' "$vocab"; } \
    > "$work/vocab/vocab.txt"
shape=(--hidden 16 --layers 1 --heads 2 --intermediate 32 --max-positions 64 --seed 11 --vocab-from "$work/vocab")
python3 "$root/tools/make_random_bert.py" "$work/bert" "${shape[@]}" > /dev/null
python3 "$root/tools/make_random_bert.py" "$work/classifier" "${shape[@]}" --labels negative,neutral,positive > /dev/null
for bits in fp32 w8a8 w2a2 w1a1; do
    "$qvc" compile "$work/bert" --bits "$bits" -o "$out/qvb/bert-$bits.qvb" > /dev/null
done
"$qvc" compile "$work/bert" --bits w2a2 --zstd -o "$out/qvb/bert-w2a2-zstd.qvb" > /dev/null
"$qvc" compile "$work/classifier" --bits w2a2 -o "$out/qvb/classifier-w2a2.qvb" > /dev/null


# The other harnesses' seeds, from a smaller encoder (hidden 8, 16 positions) so each input
# compiles and runs in milliseconds: Hugging Face folders as FuzzArchive inputs (qv-fuzz
# archive), the tokenizer's files, texts, trainer checkpoints and labelled-text files.
fuzz="$(dirname "$qvc")/qv-fuzz"
small=(--hidden 8 --layers 1 --heads 2 --intermediate 16 --max-positions 16 --seed 12 --vocab-from "$work/vocab")
minilm="$("$root/tools/minilm-dir.sh")"
python3 "$root/tools/make_random_bert.py" "$work/hf-bert" "${small[@]}" > /dev/null
python3 "$root/tools/make_random_bert.py" "$work/hf-classifier" "${small[@]}" --labels no,yes > /dev/null
mkdir -p "$work/hf-sentence" && cp -r "$work/hf-bert/." "$work/hf-sentence/"
cp -r "$minilm/modules.json" "$minilm/sentence_bert_config.json" "$minilm/1_Pooling" "$work/hf-sentence/"
mkdir -p "$out/huggingface" "$out/tokenizer-files" "$out/tokenizer-text" "$out/checkpoint" "$out/data"
for m in bert classifier sentence; do "$fuzz" archive "$work/hf-$m" -o "$out/huggingface/$m.archive"; done
# Tokenizer files: the small vocabulary with MiniLM's settings files, a tokenizer.json that
# names only what the importer reads, and the vocabulary with CRLF line ends.
mkdir -p "$work/tok" "$work/tok-crlf"
cp "$work/vocab/vocab.txt" "$minilm/tokenizer_config.json" "$minilm/sentence_bert_config.json" "$work/tok/"
cat > "$work/tok/tokenizer.json" <<'JSON'
{"added_tokens": [{"id": 0, "content": "[PAD]", "special": true}, {"id": 100, "content": "[UNK]", "special": true},
  {"id": 101, "content": "[CLS]", "special": true}, {"id": 102, "content": "[SEP]", "special": true}],
 "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100}}
JSON
sed 's/$/\r/' "$work/vocab/vocab.txt" > "$work/tok-crlf/vocab.txt"
"$fuzz" archive "$work/tok" -o "$out/tokenizer-files/minilm-settings.archive"
"$fuzz" archive "$work/tok-crlf" -o "$out/tokenizer-files/vocab-crlf.archive"
printf 'The quick brown fox jumps over the lazy dog.' > "$out/tokenizer-text/plain.txt"
printf 'Déjà vu — naïve café, ÅNGSTRÖM; 中文字符 and 日本語; emoji 😀👍🏽; tabs\tand\u00a0nbsp\u200b; unbelievably##s [CLS] [MASK]' \
    > "$out/tokenizer-text/unicode.txt"
printf 'a\x00b\x01c\x7f \xff\xfe broken \xc3 utf-8 \xe2\x82 here' > "$out/tokenizer-text/control-and-invalid.txt"
# Labelled text in each format, and checkpoints trained from it for one step at each precision.
printf 'text,sentiment\n"the fox, quick",positive\nthe lazy dog,negative\n"a ""quoted"" word",neutral\nover the dog,positive\n' > "$out/data/quoted.csv"
printf 'sentiment\ttext\npositive\tthe quick fox\nnegative\tthe lazy dog\n' > "$out/data/plain.tsv"
printf '{"text": "the quick fox", "sentiment": "positive"}\n{"text": "the lazy dog", "sentiment": "negative"}\n' > "$out/data/lines.jsonl"
for bits in fp32 w2a2 w1a1; do
    "$qvc" finetune --model "$work/hf-classifier" --data "$out/data/quoted.csv" --bits "$bits" --max-steps 1 --batch 2 \
        --max-length 16 --threads 1 --seed 1 -o "$work/$bits.ckpt" > /dev/null
    cp "$work/$bits.ckpt" "$out/checkpoint/classifier-$bits.ckpt"
done
ls -l "$out"/*
