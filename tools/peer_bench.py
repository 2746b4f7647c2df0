#!/usr/bin/env python3
"""Peer benchmark: qv's compiled models against onnxruntime fp32 and int8 on the same CPU.

Usage:
    python3 tools/peer_bench.py --model MODEL_DIR --qvb fp32=out/minilm-fp32.qvb
        [--qvb w8a8=...] [--qvc .build/release/qvc] [--seq 128] [--threads 1]
        [--runs 50] [--warmup 10] [--json]

In one run it builds the model's ONNX graph (tools/bert_onnx.py), makes dynamic int8
versions with onnxruntime's quantize_dynamic (per-channel, QInt8 and QUInt8 weights;
the faster one is kept and named), times onnxruntime on one sequence of exactly --seq
tokens ([CLS], repeated word ids, [SEP]; batch 1), then runs
`qvc bench FILE --seq S --threads T --runs R --json` for each --qvb and reads the JSON
line it prints. Every row reports the median (and p10/p90) latency and the speed-up
against onnxruntime fp32 and int8. With --json, stdout holds one JSON object per row
and everything else goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import onnxruntime
from onnxruntime.quantization import QuantType, quantize_dynamic

sys.dont_write_bytecode = True  # keep tools/ free of __pycache__ from the imports below
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bert_onnx import INPUT_NAME, OUTPUT_NAME, build_onnx  # noqa: E402
from bert_reference import BertConfig, ModelFolderError, load_tokenizer  # noqa: E402

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
FILLER_TEXT = "the quick brown fox jumps over the lazy dog while people watch"
QVC_TIMEOUT_SECONDS = 1800


@dataclass
class Row:
    """One engine/precision measurement."""

    engine: str
    precision: str
    seq: int
    threads: int
    runs: int
    median_ms: float
    p10_ms: float
    p90_ms: float
    speedup_vs_ort_fp32: float | None = None
    speedup_vs_ort_int8: float | None = None
    detail: str = ""


def cpu_model() -> str:
    """The CPU's name, family/model numbers and the SIMD extensions that matter to int8
    and fp32 kernels, from /proc/cpuinfo (virtual machines often shorten the name);
    what platform reports when that file is unreadable."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, separator, value = line.partition(":")
            if not separator:
                break  # end of the first processor's block
            fields.setdefault(key.strip(), value.strip())
    except OSError:
        return platform.processor() or platform.machine()
    flags = set(fields.get("flags", "").split())
    simd = [flag for flag in ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni",
                              "avx512_bf16", "amx_int8") if flag in flags]
    name = fields.get("model name", platform.machine())
    return (f"{name} (family {fields.get('cpu family', '?')} model {fields.get('model', '?')};"
            f" {' '.join(simd) or 'no AVX2'})")


def benchmark_ids(model_dir: Path, config: BertConfig, seq: int) -> np.ndarray:
    """[1, seq] int64: [CLS], word ids of a fixed sentence repeated, [SEP]."""
    tokenizer = load_tokenizer(model_dir, config.max_positions)
    with_specials = tokenizer.encode("x").ids
    words = tokenizer.encode(FILLER_TEXT, add_special_tokens=False).ids
    if len(with_specials) < 3 or not words:
        raise ModelFolderError(f"{model_dir}: tokenizer adds no [CLS]/[SEP] pair; "
                               "cannot build the benchmark input")
    body = (words * (seq // len(words) + 1))[: seq - 2]
    return np.array([[with_specials[0], *body, with_specials[-1]]], dtype=np.int64)


def session_for(path: Path, threads: int) -> onnxruntime.InferenceSession:
    """A CPU session with `threads` intra-op threads, sequential execution, all
    graph optimisations."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def time_onnx(path: Path, ids: np.ndarray, threads: int, warmup: int, runs: int
              ) -> tuple[list[float], np.ndarray]:
    """Per-run latencies in milliseconds, and the model's output for `ids`."""
    session = session_for(path, threads)
    feeds = {INPUT_NAME: ids}
    output = session.run([OUTPUT_NAME], feeds)[0]
    for _ in range(warmup):
        session.run([OUTPUT_NAME], feeds)
    latencies = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        session.run([OUTPUT_NAME], feeds)
        latencies.append((time.perf_counter_ns() - start) / 1e6)
    return latencies, output


def summary_row(engine: str, precision: str, latencies: list[float], seq: int, threads: int,
                detail: str = "") -> Row:
    """Median, p10 and p90 of the latencies as a Row."""
    p10, median, p90 = np.percentile(latencies, [10, 50, 90])
    return Row(engine, precision, seq, threads, len(latencies), float(median), float(p10),
               float(p90), detail=detail)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two vectors, in float64."""
    a, b = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def run_qvc(qvc: Path, label: str, file: Path, seq: int, threads: int, runs: int
            ) -> Row | str:
    """Run `qvc bench` on one .qvb and return its Row, or an error message."""
    if not file.exists():
        return f"qv {label}: {file} does not exist; compile it with qvc first"
    command = [str(qvc.resolve()), "bench", str(file), "--seq", str(seq), "--threads", str(threads),
               "--runs", str(runs), "--json"]
    try:
        finished = subprocess.run(command, capture_output=True, text=True,
                                  timeout=QVC_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"qv {label}: `{' '.join(command)}` failed: {error}"
    if finished.returncode != 0:
        return (f"qv {label}: `{' '.join(command)}` exited with {finished.returncode}: "
                f"{finished.stderr.strip()[-2000:]}")
    report = None
    for line in reversed(finished.stdout.splitlines()):
        try:
            candidate = json.loads(line)
        except ValueError:
            continue
        if isinstance(candidate, dict):
            report = candidate
            break
    if report is None:
        return f"qv {label}: no JSON object in the output of `{' '.join(command)}`"
    try:
        row = Row("qv", str(report.get("precision") or label), int(report["seq"]),
                  int(report["threads"]), int(report["runs"]), float(report["median_ms"]),
                  float(report["p10_ms"]), float(report["p90_ms"]), detail=file.name)
    except (KeyError, TypeError, ValueError) as error:
        return f"qv {label}: qvc bench JSON lacks or mangles field {error}: {report}"
    if (row.seq, row.threads) != (seq, threads):
        row.detail += f" (qvc reports seq {row.seq}, threads {row.threads})"
    return row


def qvb_argument(text: str) -> tuple[str, Path]:
    """Parse LABEL=PATH."""
    label, separator, path = text.partition("=")
    if not separator or not label or not path:
        raise argparse.ArgumentTypeError(f"expected LABEL=PATH, got {text!r}")
    return label, Path(path)


def print_table(rows: list[Row], out) -> None:
    """Human-readable table of the rows."""
    def ratio(value: float | None) -> str:
        return f"{value:.2f}x" if value is not None else "-"

    header = (f"{'engine':<12} {'precision':<10} {'median ms':>10} {'p10 ms':>9} "
              f"{'p90 ms':>9} {'vs ORT fp32':>12} {'vs ORT int8':>12}  detail")
    print(header, file=out)
    print("-" * len(header), file=out)
    for row in rows:
        print(f"{row.engine:<12} {row.precision:<10} {row.median_ms:>10.3f} {row.p10_ms:>9.3f} "
              f"{row.p90_ms:>9.3f} {ratio(row.speedup_vs_ort_fp32):>12} "
              f"{ratio(row.speedup_vs_ort_int8):>12}  {row.detail}", file=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="Hugging Face BERT folder")
    parser.add_argument("--qvb", type=qvb_argument, action="append", default=[],
                        metavar="LABEL=PATH", help="a compiled .qvb to time (repeatable)")
    parser.add_argument("--qvc", type=Path, default=REPOSITORY_ROOT / ".build/release/qvc",
                        help="qvc binary (default: .build/release/qvc in this repository)")
    parser.add_argument("--seq", type=int, default=128, help="tokens per input (default 128)")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs (default 50)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs first (default 10)")
    parser.add_argument("--json", action="store_true", help="one JSON object per row on stdout")
    args = parser.parse_args()
    if args.threads < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--threads and --runs must be at least 1, --warmup at least 0")
    notes = sys.stderr if args.json else sys.stdout

    try:
        config = BertConfig.load(args.model)
        if not 3 <= args.seq <= config.max_positions:
            parser.error(f"--seq must be in 3...{config.max_positions} for this model")
        ids = benchmark_ids(args.model, config, args.seq)
    except (ModelFolderError, OSError) as error:
        print(f"peer_bench: {error}", file=sys.stderr)
        return 1

    cpu = cpu_model()
    print(f"CPU: {cpu} ({platform.machine()}), onnxruntime {onnxruntime.__version__}, "
          f"model {args.model}, seq {args.seq}, threads {args.threads}, runs {args.runs}, "
          f"warm-up {args.warmup}", file=notes)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="qv-peer-bench-") as scratch:
        fp32_path = Path(scratch) / "model-fp32.onnx"
        try:
            build_onnx(args.model, fp32_path)
        except (ModelFolderError, OSError, ValueError) as error:
            print(f"peer_bench: cannot build the ONNX model: {error}", file=sys.stderr)
            return 1
        latencies, fp32_output = time_onnx(fp32_path, ids, args.threads, args.warmup,
                                           args.runs)
        ort_fp32 = summary_row("onnxruntime", "fp32", latencies, args.seq, args.threads)
        rows.append(ort_fp32)

        int8_rows = {}
        for weight_type in (QuantType.QInt8, QuantType.QUInt8):
            int8_path = Path(scratch) / f"model-{weight_type.name}.onnx"
            # quantize_dynamic logs advice to run its pre-processing (shape inference and
            # graph tidying), which this hand-built graph does not need; keep the output clean.
            logging.disable(logging.WARNING)
            try:
                quantize_dynamic(fp32_path, int8_path, per_channel=True,
                                 weight_type=weight_type, op_types_to_quantize=["MatMul"])
            finally:
                logging.disable(logging.NOTSET)
            latencies, int8_output = time_onnx(int8_path, ids, args.threads, args.warmup,
                                               args.runs)
            detail = (f"dynamic, per-channel {weight_type.name} weights, u8 activations; "
                      f"cos vs fp32 {cosine(int8_output, fp32_output):.6f}")
            int8_rows[weight_type.name] = summary_row("onnxruntime", "int8", latencies,
                                                      args.seq, args.threads, detail)
        (kept, ort_int8), (other, slower) = sorted(int8_rows.items(),
                                                   key=lambda item: item[1].median_ms)
        rows.append(ort_int8)
        print(f"int8 weights: {kept} kept ({ort_int8.median_ms:.3f} ms median); "
              f"{other} took {slower.median_ms:.3f} ms", file=notes)

    errors = []
    if args.qvb and not args.qvc.exists():
        errors.append(f"qvc binary not found at {args.qvc}: build it with "
                      "`swift build -c release` or pass --qvc; qv rows skipped")
    else:
        for label, file in args.qvb:
            result = run_qvc(args.qvc, label, file, args.seq, args.threads, args.runs)
            if isinstance(result, Row):
                rows.append(result)
            else:
                errors.append(result)

    for row in rows:
        row.speedup_vs_ort_fp32 = ort_fp32.median_ms / row.median_ms
        row.speedup_vs_ort_int8 = ort_int8.median_ms / row.median_ms
    if args.json:
        for row in rows:
            print(json.dumps({**asdict(row), "cpu": cpu,
                              "onnxruntime": onnxruntime.__version__}))
    else:
        print_table(rows, sys.stdout)
    for error in errors:
        print(f"peer_bench: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
