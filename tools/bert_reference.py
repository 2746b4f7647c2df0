#!/usr/bin/env python3
"""Reference sentence embeddings for BERT-family Hugging Face model folders.

A plain numpy float32 forward pass (batch 1, no padding) from model.safetensors,
tokenised with the Hugging Face `tokenizers` library. It is the ground truth that
qv's compiled `.qvb` outputs are compared against.

Usage:
    python3 tools/bert_reference.py MODEL_DIR TEXTS.jsonl OUT.jsonl [--max-length N]

TEXTS.jsonl holds one JSON string per line. OUT.jsonl receives one JSON object per
line: {"text": str, "ids": [int], "embedding": [float]}; every float is the
shortest decimal that reads back as the exact float32 value.

The model-reading helpers (`BertModel.load`, `load_tokenizer`, `load_pooling`,
`sequence_limit`) are shared with tools/bert_onnx.py and tools/peer_bench.py.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer
from tokenizers.implementations import BertWordPieceTokenizer


class ModelFolderError(Exception):
    """A model folder is missing a file or holds something this tool cannot use."""


def read_json(path: Path) -> dict | list:
    """Parse a JSON file, naming the file in the error if it is unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelFolderError(f"cannot read {path}: {error}") from error


@dataclass(frozen=True)
class BertConfig:
    """The config.json fields the forward pass needs."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    layer_norm_eps: float

    @staticmethod
    def load(model_dir: Path) -> "BertConfig":
        """Read config.json and check it describes a BERT encoder this tool supports."""
        raw = read_json(model_dir / "config.json")
        activation = raw.get("hidden_act", "gelu")
        if activation != "gelu":
            raise ModelFolderError(
                f"{model_dir / 'config.json'}: hidden_act {activation!r} is not supported; "
                "only exact erf 'gelu' is implemented")
        position_type = raw.get("position_embedding_type", "absolute")
        if position_type != "absolute":
            raise ModelFolderError(
                f"{model_dir / 'config.json'}: position_embedding_type {position_type!r} "
                "is not supported; only 'absolute' is implemented")
        try:
            config = BertConfig(
                hidden_size=int(raw["hidden_size"]),
                num_layers=int(raw["num_hidden_layers"]),
                num_heads=int(raw["num_attention_heads"]),
                intermediate_size=int(raw["intermediate_size"]),
                vocab_size=int(raw["vocab_size"]),
                max_positions=int(raw["max_position_embeddings"]),
                layer_norm_eps=float(raw.get("layer_norm_eps", 1e-12)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFolderError(
                f"{model_dir / 'config.json'}: missing or malformed field {error}") from error
        if config.hidden_size % config.num_heads != 0:
            raise ModelFolderError(
                f"{model_dir / 'config.json'}: hidden_size {config.hidden_size} is not a "
                f"multiple of num_attention_heads {config.num_heads}")
        return config

    @property
    def head_size(self) -> int:
        """Width of one attention head."""
        return self.hidden_size // self.num_heads


@dataclass(frozen=True)
class LayerNormWeights:
    """Scale and shift of one LayerNorm."""

    weight: np.ndarray
    bias: np.ndarray


@dataclass(frozen=True)
class LinearWeights:
    """One dense layer in Hugging Face layout: weight [out, in], bias [out]."""

    weight: np.ndarray
    bias: np.ndarray


@dataclass(frozen=True)
class EncoderLayerWeights:
    """All weights of one transformer encoder layer."""

    query: LinearWeights
    key: LinearWeights
    value: LinearWeights
    attention_output: LinearWeights
    attention_norm: LayerNormWeights
    intermediate: LinearWeights
    output: LinearWeights
    output_norm: LayerNormWeights


class TensorTable:
    """Looks tensors up by Hugging Face name, with or without the `bert.` prefix and
    with either LayerNorm spelling (weight/bias or the older gamma/beta)."""

    def __init__(self, tensors: dict[str, np.ndarray], source: Path):
        self.source = source
        self.tensors = {}
        for name, tensor in tensors.items():
            plain = name[len("bert."):] if name.startswith("bert.") else name
            self.tensors[plain] = tensor

    def get(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """Return the float32 tensor `name`, checking it has `shape`."""
        candidates = [name]
        if name.endswith("LayerNorm.weight"):
            candidates.append(name[: -len("weight")] + "gamma")
        if name.endswith("LayerNorm.bias"):
            candidates.append(name[: -len("bias")] + "beta")
        for candidate in candidates:
            if candidate in self.tensors:
                tensor = self.tensors[candidate]
                if tuple(tensor.shape) != shape:
                    raise ModelFolderError(
                        f"{self.source}: tensor {candidate} has shape {tuple(tensor.shape)}, "
                        f"config.json implies {shape}")
                return np.ascontiguousarray(tensor, dtype=np.float32)
        raise ModelFolderError(
            f"{self.source}: tensor {name} not found (also tried the 'bert.' prefix"
            + (" and gamma/beta" if len(candidates) > 1 else "") + ")")

    def linear(self, prefix: str, out_features: int, in_features: int) -> LinearWeights:
        """Return the dense layer `prefix`.weight / `prefix`.bias."""
        return LinearWeights(
            self.get(prefix + ".weight", (out_features, in_features)),
            self.get(prefix + ".bias", (out_features,)))

    def layer_norm(self, prefix: str, width: int) -> LayerNormWeights:
        """Return the LayerNorm `prefix`."""
        return LayerNormWeights(
            self.get(prefix + ".weight", (width,)), self.get(prefix + ".bias", (width,)))


@dataclass(frozen=True)
class BertModel:
    """A BERT encoder's configuration and float32 weights."""

    config: BertConfig
    word_embeddings: np.ndarray
    position_embeddings: np.ndarray
    token_type_embeddings: np.ndarray
    embedding_norm: LayerNormWeights
    layers: list[EncoderLayerWeights]

    @staticmethod
    def load(model_dir: Path) -> "BertModel":
        """Read config.json and model.safetensors from a Hugging Face model folder."""
        config = BertConfig.load(model_dir)
        weights_path = model_dir / "model.safetensors"
        try:
            table = TensorTable(load_file(str(weights_path)), weights_path)
        except (OSError, ValueError, RuntimeError) as error:
            raise ModelFolderError(f"cannot read {weights_path}: {error}") from error
        hidden, inner = config.hidden_size, config.intermediate_size
        layers = []
        for index in range(config.num_layers):
            prefix = f"encoder.layer.{index}."
            layers.append(EncoderLayerWeights(
                query=table.linear(prefix + "attention.self.query", hidden, hidden),
                key=table.linear(prefix + "attention.self.key", hidden, hidden),
                value=table.linear(prefix + "attention.self.value", hidden, hidden),
                attention_output=table.linear(prefix + "attention.output.dense", hidden, hidden),
                attention_norm=table.layer_norm(prefix + "attention.output.LayerNorm", hidden),
                intermediate=table.linear(prefix + "intermediate.dense", inner, hidden),
                output=table.linear(prefix + "output.dense", hidden, inner),
                output_norm=table.layer_norm(prefix + "output.LayerNorm", hidden),
            ))
        type_rows = table.tensors.get("embeddings.token_type_embeddings.weight")
        type_count = type_rows.shape[0] if type_rows is not None and type_rows.ndim == 2 else 2
        return BertModel(
            config=config,
            word_embeddings=table.get(
                "embeddings.word_embeddings.weight", (config.vocab_size, hidden)),
            position_embeddings=table.get(
                "embeddings.position_embeddings.weight", (config.max_positions, hidden)),
            token_type_embeddings=table.get(
                "embeddings.token_type_embeddings.weight", (type_count, hidden)),
            embedding_norm=table.layer_norm("embeddings.LayerNorm", hidden),
            layers=layers,
        )

    def encode(self, ids: list[int]) -> np.ndarray:
        """Run the encoder on one unpadded sequence (token type 0); returns [S, H] float32."""
        count = len(ids)
        if count == 0 or count > self.config.max_positions:
            raise ValueError(
                f"sequence of {count} tokens; need 1...{self.config.max_positions}")
        if min(ids) < 0 or max(ids) >= self.config.vocab_size:
            raise ValueError(f"token id outside 0..<{self.config.vocab_size}")
        states = (self.word_embeddings[np.asarray(ids)]
                  + self.position_embeddings[:count]
                  + self.token_type_embeddings[0])
        states = layer_norm(states, self.embedding_norm, self.config.layer_norm_eps)
        for layer in self.layers:
            states = self.encoder_layer(states, layer)
        return states

    def encoder_layer(self, states: np.ndarray, layer: EncoderLayerWeights) -> np.ndarray:
        """One post-LayerNorm transformer layer: self-attention then the GELU MLP."""
        count, heads, width = states.shape[0], self.config.num_heads, self.config.head_size
        eps = self.config.layer_norm_eps

        def split_heads(x: np.ndarray) -> np.ndarray:
            return x.reshape(count, heads, width).transpose(1, 0, 2)

        query = split_heads(linear(states, layer.query))
        key = split_heads(linear(states, layer.key))
        value = split_heads(linear(states, layer.value))
        scores = (query @ key.transpose(0, 2, 1)) / np.float32(math.sqrt(width))
        context = softmax(scores) @ value
        context = context.transpose(1, 0, 2).reshape(count, heads * width)
        attended = layer_norm(
            linear(context, layer.attention_output) + states, layer.attention_norm, eps)
        inner = gelu(linear(attended, layer.intermediate))
        return layer_norm(linear(inner, layer.output) + attended, layer.output_norm, eps)


def linear(x: np.ndarray, weights: LinearWeights) -> np.ndarray:
    """x @ weight.T + bias in float32."""
    return x @ weights.weight.T + weights.bias


def layer_norm(x: np.ndarray, weights: LayerNormWeights, eps: float) -> np.ndarray:
    """LayerNorm over the last axis (biased variance, eps inside the square root)."""
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(eps)) * weights.weight + weights.bias


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis."""
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


_erf = np.frompyfunc(math.erf, 1, 1)


def gelu(x: np.ndarray) -> np.ndarray:
    """Exact GELU, x * Phi(x), with erf evaluated in double precision."""
    wide = x.astype(np.float64)
    erf = _erf(wide / math.sqrt(2.0)).astype(np.float64)
    return (0.5 * wide * (1.0 + erf)).astype(np.float32)


@dataclass(frozen=True)
class Pooling:
    """How token states become one sentence vector."""

    mode: str  # "mean" or "cls"
    normalize: bool

    def apply(self, states: np.ndarray) -> np.ndarray:
        """Pool [S, H] token states into an [H] float32 sentence vector."""
        pooled = states[0] if self.mode == "cls" else states.mean(axis=0)
        if self.normalize:
            pooled = pooled / max(np.float32(np.linalg.norm(pooled)), np.float32(1e-12))
        return pooled.astype(np.float32)


def load_pooling(model_dir: Path) -> Pooling:
    """Pooling from 1_Pooling/config.json (mean unless it selects CLS only), normalising
    when modules.json lists a sentence-transformers Normalize module."""
    mode = "mean"
    normalize = False
    modules_path = model_dir / "modules.json"
    pooling_dirs = []
    if modules_path.exists():
        modules = read_json(modules_path)
        for module in modules if isinstance(modules, list) else []:
            kind = str(module.get("type", ""))
            if kind.endswith(".Normalize"):
                normalize = True
            if kind.endswith(".Pooling"):
                pooling_dirs.append(model_dir / str(module.get("path", "")))
    pooling_dirs.append(model_dir / "1_Pooling")
    for directory in pooling_dirs:
        path = directory / "config.json"
        if path.exists():
            raw = read_json(path)
            mean = raw.get("pooling_mode_mean_tokens", False)
            cls = raw.get("pooling_mode_cls_token", False)
            others = [key for key in ("pooling_mode_max_tokens",
                                      "pooling_mode_mean_sqrt_len_tokens",
                                      "pooling_mode_weightedmean_tokens",
                                      "pooling_mode_lasttoken") if raw.get(key)]
            if others or (mean and cls):
                raise ModelFolderError(
                    f"{path}: pooling {others or ['mean', 'cls']} is not supported; "
                    "only a single mean or cls mode is implemented")
            mode = "cls" if cls else "mean"
            break
    return Pooling(mode, normalize)


def sequence_limit(model_dir: Path, config: BertConfig) -> int:
    """Truncation length: sentence_bert_config.json max_seq_length if present, else
    tokenizer_config.json model_max_length, capped by max_position_embeddings."""
    sbert_path = model_dir / "sentence_bert_config.json"
    if sbert_path.exists():
        limit = read_json(sbert_path).get("max_seq_length")
        if isinstance(limit, int) and limit > 0:
            return min(limit, config.max_positions)
    tokenizer_config_path = model_dir / "tokenizer_config.json"
    if tokenizer_config_path.exists():
        limit = read_json(tokenizer_config_path).get("model_max_length")
        if isinstance(limit, (int, float)) and limit > 0:
            return int(min(limit, config.max_positions))
    return config.max_positions


def load_tokenizer(model_dir: Path, max_length: int) -> Tokenizer | BertWordPieceTokenizer:
    """tokenizer.json if the folder has one, else a lower-casing BERT WordPiece tokenizer
    built from vocab.txt; padding off, truncation at `max_length`."""
    tokenizer_path = model_dir / "tokenizer.json"
    vocab_path = model_dir / "vocab.txt"
    if tokenizer_path.exists():
        try:
            tokenizer = Tokenizer.from_file(str(tokenizer_path))
        except Exception as error:  # the tokenizers library raises a bare Exception
            raise ModelFolderError(f"cannot read {tokenizer_path}: {error}") from error
    elif vocab_path.exists():
        tokenizer = BertWordPieceTokenizer(str(vocab_path), lowercase=True)
    else:
        raise ModelFolderError(f"{model_dir}: neither tokenizer.json nor vocab.txt found")
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def float32_text(values: np.ndarray) -> str:
    """A JSON array of the shortest decimals that round-trip to these float32 values."""
    if not np.all(np.isfinite(values)):
        raise ValueError("embedding contains NaN or infinity")
    return "[" + ",".join(str(value) for value in values.astype(np.float32)) + "]"


def read_texts(path: Path) -> list[str]:
    """Read a JSONL file whose every non-empty line is one JSON string."""
    texts = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                text = json.loads(line)
            except ValueError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error})") from error
            if not isinstance(text, str):
                raise ValueError(
                    f"{path}:{number}: expected a JSON string, got {type(text).__name__}")
            texts.append(text)
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path, help="Hugging Face BERT model folder")
    parser.add_argument("texts", type=Path, help="JSONL file, one JSON string per line")
    parser.add_argument("output", type=Path, help="JSONL file to write")
    parser.add_argument("--max-length", type=int,
                        help="truncation length in tokens (default: from the model folder)")
    args = parser.parse_args()
    try:
        model = BertModel.load(args.model_dir)
        limit = args.max_length or sequence_limit(args.model_dir, model.config)
        if not 2 <= limit <= model.config.max_positions:
            raise ModelFolderError(
                f"--max-length {limit} must be in 2...{model.config.max_positions}")
        tokenizer = load_tokenizer(args.model_dir, limit)
        pooling = load_pooling(args.model_dir)
        texts = read_texts(args.texts)
        with args.output.open("w", encoding="utf-8") as out:
            for text in texts:
                ids = tokenizer.encode(text).ids
                embedding = pooling.apply(model.encode(ids))
                out.write('{"text": ' + json.dumps(text, ensure_ascii=False)
                          + ', "ids": ' + json.dumps(ids)
                          + ', "embedding": ' + float32_text(embedding) + "}\n")
    except (ModelFolderError, ValueError, OSError) as error:
        print(f"bert_reference: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
