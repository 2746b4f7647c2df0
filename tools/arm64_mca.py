#!/usr/bin/env python3
"""Estimated speed of qv's ARM64 kernels on cores qemu cannot time: llvm-mca on the hot loops.

Takes the objects of the Embedded-Swift ARM64 build (tools/build-arm64.sh), finds each kernel's
innermost loop in the disassembly (the backward branch whose body holds the most of the kernel's
multiply instructions), and runs llvm-mca on that loop for Cortex-A53, A72 and A76. A loop's MACs
per iteration follow from its multiply instructions: `fmla`/`smlal` do one MAC per
destination lane, `sdot`/`udot` four per lane, `cnt` on a 16-byte register counts 128 bits (128
binary MACs, with the `eor` before it), `tbl` looks up 16 nibbles of two 2-bit weight codes each
(32 MACs). Prints, per core, cycles per iteration, MACs per cycle and
the ratio to the FP32 panel GEMM's MACs per cycle on the same core. It is a model: it assumes
every load hits L1 and ignores the code around the loop (packing, epilogue, tails).

usage: tools/arm64_mca.py [OBJECTS_DIR] [--json]   (default .build/embedded/aarch64-none-none-elf/release)
"""
import json
import os
import re
import shutil
import subprocess
import sys

# The cores, and whether each has DotProd (the `neon` path's sdot/udot kernels run only there).
CPUS = {"cortex-a53": False, "cortex-a72": False, "cortex-a76": True}
# The newest llvm-mca installed (Debian llvm-16, else llvm's default).
MCA = next((f"llvm-mca-{v}" for v in (19, 18, 17, 16, 15) if shutil.which(f"llvm-mca-{v}")), "llvm-mca")
# name, object (relative to the build folder), function name pattern, multiply mnemonics, and how
# many of them one iteration of the loop that runs on ARM64 holds: that picks the loop where a
# function has several (the baseline FP32 GEMM also holds the 8 x 2 tile, which only the
# AVX-512 table uses), and a change of code generation fails here instead of measuring another loop.
KERNELS = [
    ("fp32 panel GEMM, 4 x 16 tile (fmla)", "QVKernels.build/RowKernelTable.swift.o", r"baseline.*FloatPanels", {"fmla"}, 16),
    ("u8/s8 and u2/s2 codes (neon, DotProd: sdot)", "CQVKernelsARM.build/multibit_neon_dot.c.o", r"^qv_neon_dot_s8$", {"sdot"}, 16),
    ("u8 x u8 codes (neon, DotProd: udot)", "CQVKernelsARM.build/multibit_neon_dot.c.o", r"^qv_neon_dot_u8$", {"udot"}, 16),
    ("u2/s2 codes (neon, ARMv8.0: tbl lookup)", "CQVKernelsARM.build/lookup_neon.c.o", r"^qv_neon_lookup_s2$", {"tbl"}, 8),
    ("2-/8-bit codes (portable, ARMv8.0: smlal)", "QVKernels.build/MultiBitGemmPortable.swift.o", r"multiplyTile", {"smlal", "smlal2"}, 16),
    ("binary b1 x b1 (portable: eor + cnt)", "QVKernels.build/IntegerGemm.swift.o", r"binaryCountsPortable", {"cnt"}, 8),
]
BRANCHES = {"b", "cbz", "cbnz", "tbz", "tbnz"}
LANES = {"16b": 16, "8b": 8, "8h": 8, "4h": 4, "4s": 4, "2s": 2, "2d": 2}


def functions(path):
    """{name: [(address, mnemonic, operands)]} from objdump."""
    out = subprocess.run(["aarch64-linux-gnu-objdump", "-d", "--no-show-raw-insn", path],
                         check=True, capture_output=True, text=True).stdout
    result, current = {}, None
    for line in out.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if head:
            current = result.setdefault(head.group(1), [])
            continue
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)\s*([^/]*)", line)
        if m and current is not None:
            current.append((int(m.group(1), 16), m.group(2), m.group(3).strip()))
    return result


def macs(mnemonic, operands):
    arrangement = re.match(r"v\d+\.(\w+)", operands)
    lanes = LANES.get(arrangement.group(1), 0) if arrangement else 0
    if mnemonic in ("sdot", "udot"):
        return 4 * lanes
    if mnemonic == "cnt":
        return 8 * lanes
    if mnemonic == "tbl":
        return 2 * lanes  # qv's lookup tables: each byte looked up is a nibble of two 2-bit codes
    return lanes


def is_backward_branch(instruction):
    address, mnemonic, operands = instruction
    target = re.search(r"\b([0-9a-f]+) <", operands)
    return mnemonic.split(".")[0] in BRANCHES and target is not None and int(target.group(1), 16) <= address


def hot_loop(code, multiplies, expected):
    """The innermost backward-branch loop holding `expected` multiply instructions (the shortest such)."""
    best = None
    for i, instruction in enumerate(code):
        if not is_backward_branch(instruction):
            continue
        target = int(re.search(r"\b([0-9a-f]+) <", instruction[2]).group(1), 16)
        start = next((j for j, c in enumerate(code) if c[0] == target), None)
        if start is None:
            continue
        body = code[start:i + 1]
        if any(is_backward_branch(c) for c in body[:-1]):
            continue  # an outer loop
        if sum(1 for c in body if c[1] in multiplies) == expected and (best is None or len(body) < len(best)):
            best = body
    return best


def assembly(body):
    """The loop as llvm-mca input: its branch back goes to a label at the top."""
    lines = ["loop:"]
    for _, mnemonic, operands in body:
        if mnemonic.split(".")[0] in BRANCHES or mnemonic == "bl":
            operands = re.sub(r"\b[0-9a-f]+ <[^>]*>", "loop", operands)
        lines.append(f"    {mnemonic} {operands}".rstrip())
    return "\n".join(lines) + "\n"


def cycles_per_iteration(source, cpu, iterations=500):
    out = subprocess.run([MCA, "-mtriple=aarch64-linux-gnu", f"-mcpu={cpu}", f"-iterations={iterations}"],
                         input=source, check=True, capture_output=True, text=True).stdout
    return int(re.search(r"Total Cycles:\s+(\d+)", out).group(1)) / iterations


def main(argv):
    folder = next((a for a in argv[1:] if not a.startswith("--")), ".build/embedded/aarch64-none-none-elf/release")
    rows = []
    for name, obj, pattern, multiplies, expected in KERNELS:
        path = os.path.join(folder, obj)
        code = next((c for f, c in functions(path).items() if re.search(pattern, f)), None)
        body = hot_loop(code, multiplies, expected) if code else None
        if body is None:
            sys.exit(f"arm64_mca: no innermost loop with {expected} {'/'.join(sorted(multiplies))} in {pattern} of {path}: "
                     "build with tools/build-arm64.sh, or the kernel's code changed (update KERNELS)")
        per_iteration = sum(macs(m, o) for _, m, o in body if m in multiplies)
        source = assembly(body)
        rows.append({"kernel": name, "instructions": len(body), "macs_per_iteration": per_iteration,
                     "cpus": {cpu: cycles_per_iteration(source, cpu) for cpu, dotprod in CPUS.items()
                              if dotprod or not multiplies & {"sdot", "udot"}}})
    fp32 = {cpu: rows[0]["macs_per_iteration"] / cycles for cpu, cycles in rows[0]["cpus"].items()}
    for row in rows:
        for cpu, cycles in row["cpus"].items():
            rate = row["macs_per_iteration"] / cycles
            row["cpus"][cpu] = {"cycles_per_iteration": round(cycles, 2), "macs_per_cycle": round(rate, 2),
                                "vs_fp32": round(rate / fp32[cpu], 2)}
    if "--json" in argv:
        print(json.dumps(rows, indent=1))
        return
    print(f"llvm-mca ({subprocess.run([MCA, '--version'], capture_output=True, text=True).stdout.split('version')[1].split()[0]}) "
          "on the hot loops of the ARM64 kernels: MACs per cycle (× the FP32 panel GEMM on the same core)")
    print(f"{'kernel':46s} {'loop':>8s} " + " ".join(f"{cpu:>19s}" for cpu in CPUS))
    for row in rows:
        cells = " ".join((f"{row['cpus'][cpu]['macs_per_cycle']:.2f} ({row['cpus'][cpu]['vs_fp32']:.2f}×)" if cpu in row["cpus"]
                          else "— (no DotProd)").rjust(19) for cpu in CPUS)
        print(f"{row['kernel']:46s} {str(row['instructions']) + ' ins':>8s} {cells}")
    print("cycles per loop iteration: " + "; ".join(
        f"{row['kernel'].split(' (')[0]} " + "/".join(str(c["cycles_per_iteration"]) for c in row["cpus"].values()) for row in rows))
    print("(LLVM up to 16 has no Cortex-A76 scheduling model and uses its Cortex-A57 one, as for the A72: the A76 column\n"
          " shows the A72's timing with the A76's DotProd; real A76 cores issue two 128-bit FMAs or dots a cycle)")


if __name__ == "__main__":
    main(sys.argv)
