#!/usr/bin/env python3
"""Reference token ids from Hugging Face `tokenizers`, as sentence-transformers gets them.

Usage: python3 tools/reference_tokens.py MODEL_DIR SENTENCES.jsonl OUT.jsonl

MODEL_DIR holds tokenizer.json and sentence_bert_config.json. Padding is switched off and
truncation set to max_seq_length (special tokens included), as sentence-transformers does.
Each input line is a JSON string (a text) or {"repeat": TEXT, "times": N} (TEXT repeated N
times); each output line is {"text": …, "ids": […]} or {"repeat": …, "times": …, "ids": […]}.
"""

import json
import os
import sys

from tokenizers import Tokenizer


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_dir, sentences_path, out_path = sys.argv[1:]
    with open(os.path.join(model_dir, "sentence_bert_config.json"), encoding="utf-8") as f:
        max_length = json.load(f)["max_seq_length"]
    tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    count = 0
    with open(sentences_path, encoding="utf-8") as src, open(out_path, "w", encoding="utf-8") as out:
        for line in src:
            value = json.loads(line)
            if isinstance(value, str):
                record = {"text": value}
                text = value
            else:
                record = {"repeat": value["repeat"], "times": value["times"]}
                text = value["repeat"] * value["times"]
            record["ids"] = tokenizer.encode(text).ids
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} texts, max_length {max_length} -> {out_path}")


if __name__ == "__main__":
    main()
