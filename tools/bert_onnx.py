#!/usr/bin/env python3
"""Build an ONNX sentence-embedding graph for a BERT-family Hugging Face model folder.

Usage:
    python3 tools/bert_onnx.py MODEL_DIR OUT.onnx [--verify TEXTS.jsonl]

The graph is written directly with onnx.helper (opset 17): input `input_ids`
int64 [1, seq] (one unpadded sequence, token type 0), output `sentence_embedding`
float32 [1, hidden], pooled and normalised as the folder's sentence-transformers
configuration says (tools/bert_reference.py reads the same folder the same way).
Dense weights are stored transposed to [in, out] so that every projection is a plain
MatMul on an initializer, which onnxruntime's quantize_dynamic can quantize.

With --verify, each text is run through onnxruntime and through bert_reference's
numpy forward pass, and the smallest cosine similarity is printed.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__ from the imports below
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bert_reference import (  # noqa: E402  (the tools folder is not a package)
    BertModel, EncoderLayerWeights, LayerNormWeights, LinearWeights, ModelFolderError,
    Pooling, load_pooling, load_tokenizer, read_texts, sequence_limit)

OPSET = 17
INPUT_NAME = "input_ids"
OUTPUT_NAME = "sentence_embedding"


class GraphBuilder:
    """Collects nodes and initializers, handing out unique tensor names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.counter = 0

    def constant(self, name: str, value: np.ndarray) -> str:
        """Add an initializer and return its name."""
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def op(self, kind: str, inputs: list[str], hint: str, **attributes) -> str:
        """Add a single-output node and return the name of its output."""
        self.counter += 1
        output = f"{hint}_{self.counter}"
        self.nodes.append(helper.make_node(
            kind, inputs, [output], name=f"{kind}_{self.counter}", **attributes))
        return output

    def linear(self, x: str, weights: LinearWeights, name: str) -> str:
        """x @ W^T + b, with W^T stored as a [in, out] initializer."""
        weight = self.constant(name + ".weight_t", np.ascontiguousarray(weights.weight.T))
        bias = self.constant(name + ".bias", weights.bias)
        return self.op("Add", [self.op("MatMul", [x, weight], name + "_mm"), bias], name)

    def layer_norm(self, x: str, weights: LayerNormWeights, eps: float, name: str) -> str:
        """LayerNormalization over the last axis."""
        scale = self.constant(name + ".weight", weights.weight)
        shift = self.constant(name + ".bias", weights.bias)
        return self.op("LayerNormalization", [x, scale, shift], name, axis=-1, epsilon=eps)


def scalar(value: float) -> np.ndarray:
    """A float32 scalar initializer value."""
    return np.array(value, dtype=np.float32)


def add_gelu(graph: GraphBuilder, x: str, name: str) -> str:
    """Exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)), in the layout onnxruntime fuses."""
    root2 = graph.constant(name + ".sqrt2", scalar(math.sqrt(2.0)))
    one = graph.constant(name + ".one", scalar(1.0))
    half = graph.constant(name + ".half", scalar(0.5))
    erf = graph.op("Erf", [graph.op("Div", [x, root2], name + "_div")], name + "_erf")
    scaled = graph.op("Mul", [x, graph.op("Add", [erf, one], name + "_add")], name + "_mul")
    return graph.op("Mul", [scaled, half], name)


def add_encoder_layer(graph: GraphBuilder, x: str, layer: EncoderLayerWeights, model: BertModel,
                      index: int) -> str:
    """One post-LayerNorm encoder layer on [1, S, H] states."""
    config = model.config
    name = f"layer{index}"
    split_shape = graph.constant(
        name + ".split_shape", np.array([0, 0, config.num_heads, config.head_size], np.int64))
    merge_shape = graph.constant(
        name + ".merge_shape", np.array([0, 0, config.hidden_size], np.int64))
    score_divisor = graph.constant(name + ".score_scale", scalar(math.sqrt(config.head_size)))

    def heads(projection: LinearWeights, part: str, perm: list[int]) -> str:
        projected = graph.linear(x, projection, f"{name}.{part}")
        split = graph.op("Reshape", [projected, split_shape], f"{name}_{part}_split")
        return graph.op("Transpose", [split], f"{name}_{part}_heads", perm=perm)

    query = heads(layer.query, "query", [0, 2, 1, 3])  # [1, heads, S, d]
    key = heads(layer.key, "key", [0, 2, 3, 1])  # [1, heads, d, S]
    value = heads(layer.value, "value", [0, 2, 1, 3])  # [1, heads, S, d]
    scores = graph.op("Div", [graph.op("MatMul", [query, key], name + "_qk"), score_divisor],
                      name + "_scores")
    probabilities = graph.op("Softmax", [scores], name + "_probs", axis=-1)
    context = graph.op("MatMul", [probabilities, value], name + "_context")
    context = graph.op("Transpose", [context], name + "_context_t", perm=[0, 2, 1, 3])
    context = graph.op("Reshape", [context, merge_shape], name + "_context_merged")
    attended = graph.op("Add", [graph.linear(context, layer.attention_output,
                                             f"{name}.attention_output"), x],
                        name + "_attention_residual")
    attended = graph.layer_norm(attended, layer.attention_norm, config.layer_norm_eps,
                                f"{name}.attention_norm")
    inner = add_gelu(graph, graph.linear(attended, layer.intermediate, f"{name}.intermediate"),
                     name + "_gelu")
    output = graph.op("Add", [graph.linear(inner, layer.output, f"{name}.output"), attended],
                      name + "_output_residual")
    return graph.layer_norm(output, layer.output_norm, config.layer_norm_eps,
                            f"{name}.output_norm")


def add_pooling(graph: GraphBuilder, states: str, pooling: Pooling) -> str:
    """Pool [1, S, H] states to [1, H] and optionally L2-normalise."""
    if pooling.mode == "cls":
        first = graph.constant("pool.first", np.array(0, np.int64))
        pooled = graph.op("Gather", [states, first], "pooled", axis=1)
    else:
        pooled = graph.op("ReduceMean", [states], "pooled", axes=[1], keepdims=0)
    if not pooling.normalize:
        return pooled
    floor = graph.constant("pool.norm_floor", scalar(1e-12))
    norm = graph.op("ReduceL2", [pooled], "norm", axes=[1], keepdims=1)
    return graph.op("Div", [pooled, graph.op("Max", [norm, floor], "norm_floor")], "normalized")


def build_graph(model: BertModel, pooling: Pooling) -> onnx.ModelProto:
    """The full sentence-embedding graph for `model` pooled by `pooling`."""
    config = model.config
    graph = GraphBuilder()
    words = graph.constant("embeddings.word_embeddings", model.word_embeddings)
    positions_table = graph.constant("embeddings.position_embeddings", model.position_embeddings)
    token_type = graph.constant("embeddings.token_type_0", model.token_type_embeddings[0])
    zero = graph.constant("const.zero", np.array(0, np.int64))
    one = graph.constant("const.one", np.array(1, np.int64))

    length = graph.op("Gather", [graph.op("Shape", [INPUT_NAME], "input_shape"), one],
                      "sequence_length", axis=0)
    position_ids = graph.op("Range", [zero, length, one], "position_ids")
    embedded = graph.op("Add", [graph.op("Gather", [words, INPUT_NAME], "word_vectors", axis=0),
                                graph.op("Gather", [positions_table, position_ids],
                                         "position_vectors", axis=0)], "embedding_sum")
    embedded = graph.op("Add", [embedded, token_type], "embedding_with_type")
    states = graph.layer_norm(embedded, model.embedding_norm, config.layer_norm_eps,
                              "embeddings.norm")
    for index, layer in enumerate(model.layers):
        states = add_encoder_layer(graph, states, layer, model, index)
    pooled = add_pooling(graph, states, pooling)
    graph.nodes.append(helper.make_node("Identity", [pooled], [OUTPUT_NAME], name="output"))

    onnx_graph = helper.make_graph(
        graph.nodes, "bert_sentence_embedding",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.INT64, [1, "seq"])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [1, config.hidden_size])],
        graph.initializers)
    onnx_model = helper.make_model(
        onnx_graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="qv-tools")
    onnx_model.ir_version = 8
    return onnx_model


def build_onnx(model_dir: Path, output: Path) -> None:
    """Read a model folder and write its sentence-embedding ONNX file to `output`
    (a single protobuf file, so models must stay under its 2 GB limit)."""
    model = BertModel.load(model_dir)
    onnx_model = build_graph(model, load_pooling(model_dir))
    if onnx_model.ByteSize() >= 2**31:
        raise ModelFolderError(f"{model_dir}: model exceeds the 2 GB single-file ONNX limit")
    onnx.checker.check_model(onnx_model)
    onnx.save_model(onnx_model, str(output))


def verify(model_dir: Path, onnx_path: Path, texts: list[str]) -> float:
    """Smallest cosine between onnxruntime's and the numpy reference's embeddings."""
    import onnxruntime

    model = BertModel.load(model_dir)
    pooling = load_pooling(model_dir)
    tokenizer = load_tokenizer(model_dir, sequence_limit(model_dir, model.config))
    session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    worst = 1.0
    for text in texts:
        ids = tokenizer.encode(text).ids
        expected = pooling.apply(model.encode(ids)).astype(np.float64)
        actual = session.run([OUTPUT_NAME], {INPUT_NAME: np.array([ids], np.int64)})[0][0]
        actual = actual.astype(np.float64)
        cosine = float(expected @ actual / (np.linalg.norm(expected) * np.linalg.norm(actual)))
        worst = min(worst, cosine)
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path, help="Hugging Face BERT model folder")
    parser.add_argument("output", type=Path, help="ONNX file to write")
    parser.add_argument("--verify", type=Path, metavar="TEXTS.jsonl",
                        help="compare onnxruntime with the numpy reference on these texts")
    args = parser.parse_args()
    try:
        build_onnx(args.model_dir, args.output)
        print(f"wrote {args.output}")
        if args.verify:
            texts = read_texts(args.verify)
            print(f"min cosine vs numpy reference over {len(texts)} texts: "
                  f"{verify(args.model_dir, args.output, texts):.12f}")
    except (ModelFolderError, ValueError, OSError) as error:
        print(f"bert_onnx: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
