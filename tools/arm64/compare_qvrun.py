#!/usr/bin/env python3
"""Compares two `qvrun --json` outputs (one JSON object a line) from two machines, line by line.

Token ids, labels and texts must be identical. Output values (embedding, logits, probs) must be
bit-identical, or with --cosine MIN (FP32 models, whose GEMM rounding differs where one machine
fuses multiply-add) have cosine >= MIN per line. Latency is ignored. Prints one line: what was
compared and the result; exits 1 on any difference.

usage: compare_qvrun.py REFERENCE.jsonl CANDIDATE.jsonl [--cosine MIN]
"""
import json
import math
import struct
import sys


def bits(values):
    return [struct.pack("<f", v) for v in values]


def cosine(a, b):
    ab = sum(x * y for x, y in zip(a, b))
    aa = sum(x * x for x in a)
    bb = sum(y * y for y in b)
    return ab / max(math.sqrt(aa * bb), 1e-30)


def main(argv):
    if len(argv) not in (3, 5) or (len(argv) == 5 and argv[3] != "--cosine"):
        sys.exit(__doc__.strip().splitlines()[-1])
    minimum = float(argv[4]) if len(argv) == 5 else None
    reference = [json.loads(line) for line in open(argv[1], encoding="utf-8")]
    candidate = [json.loads(line) for line in open(argv[2], encoding="utf-8")]
    if len(reference) != len(candidate) or not reference:
        print(f"differ: {len(reference)} lines against {len(candidate)}")
        return 1
    worst = 1.0
    for n, (r, c) in enumerate(zip(reference, candidate), 1):
        for key in ("text", "ids", "label"):
            if r.get(key) != c.get(key):
                print(f"differ: line {n}: {key} {r.get(key)!r} against {c.get(key)!r}")
                return 1
        for key in ("embedding", "logits", "probs"):
            if key not in r and key not in c:
                continue
            a, b = r.get(key), c.get(key)
            if a is None or b is None or len(a) != len(b):
                print(f"differ: line {n}: {key} missing or of another length")
                return 1
            if bits(a) == bits(b):
                continue
            if minimum is None:
                first = next(i for i in range(len(a)) if bits([a[i]]) != bits([b[i]]))
                print(f"differ: line {n}: {key}[{first}] {a[first]!r} against {b[first]!r}")
                return 1
            worst = min(worst, cosine(a, b))
    outputs = "/".join(k for k in ("embedding", "logits", "probs") if k in reference[0])
    if minimum is not None and worst < minimum:
        print(f"differ: {outputs} cosine {worst:.7f} < {minimum}")
        return 1
    values = "bit-identical" if worst == 1.0 else f"cosine >= {worst:.7f}"
    print(f"same: {len(reference)} texts, ids identical, {outputs} {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
