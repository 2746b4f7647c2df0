#!/usr/bin/env python3
"""Training-speed peer benchmark: one fine-tuning step (forward, backward, AdamW) of a BERT
encoder of MiniLM-L6's shape with a classification head, in PyTorch on the CPU (Debian
python3-torch: run with /usr/bin/python3) beside `qvc bench --train` on the same model, batch,
sequence length and threads, in one run. Prints both medians and their ratio.

usage: /usr/bin/python3 tools/train_bench.py --model MINILM_DIR [--qvc .build/release/qvc]
       [--batch 32] [--seq 64] [--threads 2] [--steps 10] [--bits fp32]
"""
import argparse, json, os, statistics, subprocess, sys, time

import torch
import torch.nn as nn


def config(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        return json.load(f)


class Bert(nn.Module):
    """Post-LayerNorm BERT with exact GELU (the layer PyTorch's TransformerEncoderLayer builds),
    mean pooling and a linear classifier — the FLOPs of qv's BertClassifier."""

    def __init__(self, c, classes=2, dropout=0.1):
        super().__init__()
        h = c["hidden_size"]
        self.words = nn.Embedding(c["vocab_size"], h)
        self.positions = nn.Embedding(c["max_position_embeddings"], h)
        self.types = nn.Embedding(c.get("type_vocab_size", 2), h)
        self.norm = nn.LayerNorm(h, eps=c.get("layer_norm_eps", 1e-12))
        self.drop = nn.Dropout(dropout)
        layer = nn.TransformerEncoderLayer(h, c["num_attention_heads"], c["intermediate_size"], dropout=dropout,
                                           activation="gelu", batch_first=True, layer_norm_eps=c.get("layer_norm_eps", 1e-12))
        self.encoder = nn.TransformerEncoder(layer, c["num_hidden_layers"], enable_nested_tensor=False)
        self.classifier = nn.Linear(h, classes)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.drop(self.norm(self.words(ids) + self.positions(pos) + self.types(torch.zeros_like(ids))))
        x = self.encoder(x)
        return self.classifier(self.drop(x.mean(dim=1)))


def torch_step_ms(c, batch, seq, threads, steps):
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    model = Bert(c)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5)
    ids = torch.randint(1000, c["vocab_size"], (batch, seq))
    labels = torch.randint(0, 2, (batch,))
    loss_fn = nn.CrossEntropyLoss()
    times = []
    for i in range(steps + 2):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(ids), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--qvc", default=".build/release/qvc")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--bits", action="append", default=None, help="qv precisions to time (default fp32 and w2a2)")
    a = p.parse_args()
    c = config(a.model)
    pt = torch_step_ms(c, a.batch, a.seq, a.threads, a.steps)
    print(f"PyTorch {torch.__version__} fp32 step: batch {a.batch} x {a.seq}, {a.threads} threads: median {pt:.1f} ms "
          f"(BLAS: {torch.__config__.show().count('openblas') and 'OpenBLAS' or 'see torch.__config__'})")
    for bits in a.bits or ["fp32", "w2a2"]:
        out = subprocess.run([a.qvc, "bench", "--train", a.model, "--bits", bits, "--batch", str(a.batch), "--seq", str(a.seq),
                              "--threads", str(a.threads), "--steps", str(a.steps), "--json"], capture_output=True, text=True, check=True)
        qv = json.loads(out.stdout)["median_step_ms"]
        print(f"qv {bits} step{' (with KD from an FP32 copy)' if bits != 'fp32' else ''}: median {qv:.1f} ms = {qv / pt:.2f}x PyTorch fp32")


if __name__ == "__main__":
    sys.exit(main())
