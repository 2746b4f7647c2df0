#!/usr/bin/env bash
# Checks the ARM64 build of qv's runtime core against x86-64, bit for bit.
#
#  1. Builds the board binary and library (tools/build-arm64.sh: the runtime core, kernels with
#     their scalar, portable and NEON sdot/udot and tbl-lookup paths, the C API and qvrun in Embedded Swift for
#     aarch64-none-none-elf), and links the digest driver (tools/arm64/digests with its C harness
#     tools/arm64/main.c) and the C example (examples/c/embed.c) against that libqv.a.
#  2. Builds the same driver natively (`qv-digests`) and `qvc`, makes a tiny random BERT
#     (tools/make_random_bert.py) and compiles it at fp32, w8a8, w2a2, w1a1 and w2a2 + zstd.
#  3. Runs the kernel digests (integer GEMMs of every format pair, with extreme codes over a long
#     K too, epilogue, quantize-pack at every format, softmax, GELU, LayerNorm, FP32 GEMM) and the
#     whole-model digests (token ids, embedding bits) on every ARM64 path under qemu-aarch64-static
#     (CPU `max`, with DotProd, and `cortex-a72`, without) and on every x86-64 path, and
#     fails unless each equals x86-64 `portable`. Only paths whose FP32 GEMM fuses multiply-add
#     (x86 avx2/avx512, ARM64 portable/neon)
#     may differ, and only in FP32 GEMM results (fused multiply-add rounding): those are shown, not failed.
#  4. Counts NEON `cnt` (binary popcount) in QVKernels' objects and `sdot`/`udot`/`tbl` in the NEON
#     C kernels, and fails if either is missing.
#
# Usage: tools/arm64-check.sh   (from anywhere; work files go to .build/arm64-check)
# Installs its Debian packages if missing (arm64 multiarch for libzstd). Safe to run again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.build/arm64-check"
mkdir -p "$work"
cd "$root"

# --- ARM64 binaries (Embedded Swift) ------------------------------------------------------------
# tools/build-arm64.sh installs the cross tools and builds .build/arm64/qvrun and libqv.a; the
# digest driver and the C example link against the same libqv.a.
tools/build-arm64.sh
arm64="$root/.build/arm64"
objects="$root/.build/embedded/aarch64-none-none-elf/release"
swift_bin="$(dirname "$(command -v swiftc)")"
arm_qvrun="$arm64/qvrun"
mkdir -p "$work/arm64-obj"
aarch64-linux-gnu-gcc -std=c11 -O2 -c tools/arm64/main.c -o "$work/arm64-obj/main.o"
arm_binary="$work/qv-digests-arm64"
aarch64-linux-gnu-gcc -static -fuse-ld=lld -B"$swift_bin" "$work/arm64-obj/main.o" "$objects"/QVDigests.build/*.o \
    "$arm64/libqv.a" -lpthread -lm -o "$arm_binary"
# The C API's example (examples/c/embed.c) as an application on a board links it.
aarch64-linux-gnu-gcc -std=c11 -O2 -Iinclude -c examples/c/embed.c -o "$work/embed.o"
arm_embed="$work/embed-arm64"
aarch64-linux-gnu-gcc -static -fuse-ld=lld -B"$swift_bin" -Wl,--gc-sections "$work/embed.o" "$arm64/libqv.a" -lpthread -lm -o "$arm_embed"

# --- x86-64 driver, compiler and models ----------------------------------------------------------
echo "arm64-check: building qv-digests and qvc for x86-64" >&2
swift build -c release --product qv-digests 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
swift build -c release --product qvc 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
swift build -c release --product qv 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
swift_libraries="$swift_bin/../lib/swift/linux"
cc -O2 -Iinclude examples/c/embed.c "$swift_libraries/x86_64/swiftrt.o" "$root/.build/release/libqv.a" -L"$swift_libraries" \
    -Wl,-rpath,"$swift_libraries" -lswiftCore -lzstd -lstdc++ -lm -lpthread -o "$work/embed-x86-64"
x86_binary="$root/.build/release/qv-digests"
models=(fp32 w8a8 w2a2 w1a1 w2a2-zstd)
if [ ! -f "$work/bert/model.safetensors" ]; then
    python3 tools/make_random_bert.py "$work/bert" --hidden 64 --layers 2 --heads 2 --intermediate 128 --seed 7 >&2
fi
for model in "${models[@]}"; do
    bits="${model%-zstd}"
    extra=()
    [ "$model" != "$bits" ] && extra=(--zstd)
    "$root/.build/release/qvc" compile "$work/bert" -o "$work/$model.qvb" --bits "$bits" "${extra[@]}" >&2
done

# --- Digests ---------------------------------------------------------------------------------------
x86_paths=(scalar portable)
grep -qw avx2 /proc/cpuinfo && x86_paths+=(avx2)
grep -qw avx512f /proc/cpuinfo && x86_paths+=(avx512)
arm_paths=(scalar portable neon)
# qemu's CPUs: `max` has DotProd (neon: sdot/udot tiles), `cortex-a72` has not (neon: tbl lookup for 2-bit).
arm_cpus=(max cortex-a72)
run() { # machine path [model] → digest file; machine is x86-64 or arm64-CPU
    local machine="$1" path="$2" model="${3:-kernels}" out="$work/$1-$2-${3:-kernels}.txt"
    if [ "${machine%%-*}" = arm64 ]; then
        QEMU_CPU="${machine#arm64-}" qemu-aarch64-static "$arm_binary" "$path" ${3:+"$work/$3.qvb"} > "$out"
    else
        "$x86_binary" "$path" ${3:+"$work/$3.qvb"} > "$out"
    fi
    echo "$out"
}
failures=0
compare() { # label reference candidate [fp32-gemm-may-differ]
    local label="$1" reference="$2" candidate="$3" lenient="${4:-}"
    if grep -qE 'refused|failed' "$candidate"; then
        echo "FAIL  $label: $(grep -E 'refused|failed' "$candidate" | head -1)"; failures=$((failures + 1)); return
    fi
    if cmp -s "$reference" "$candidate"; then echo "same  $label ($(wc -l < "$candidate") digests)"; return; fi
    if [ -n "$lenient" ]; then
        local strict_diff
        strict_diff="$(diff <(grep -v '^floatGemm' "$reference") <(grep -v '^floatGemm' "$candidate") || true)"
        [ "$lenient" = model ] && strict_diff="$(diff <(grep '^model ids' "$reference") <(grep '^model ids' "$candidate") || true)"
        if [ -z "$strict_diff" ]; then
            echo "same  $label except FP32 GEMM rounding (fused multiply-add) (allowed on this path)"; return
        fi
    fi
    echo "FAIL  $label differs from x86-64 portable:"; diff "$reference" "$candidate" | sed 's/^/      /'
    failures=$((failures + 1))
}
echo "== kernel digests (reference: x86-64 portable)"
reference="$(run x86-64 portable)"
head -n 3 "$reference" | sed 's/^/      e.g. /'
for path in "${x86_paths[@]}"; do
    [ "$path" = portable ] && continue
    compare "x86-64 $path" "$reference" "$(run x86-64 "$path")" $(case "$path" in avx2|avx512) echo kernels;; esac)
done
# ARM64's portable FP32 GEMM fuses multiply-add (fmla): FP32 GEMM lines may differ, as on avx2/avx512.
for cpu in "${arm_cpus[@]}"; do
    for path in "${arm_paths[@]}"; do
        compare "arm64 $path (qemu $cpu)" "$reference" "$(run "arm64-$cpu" "$path")" $(case "$path" in portable|neon) echo kernels;; esac)
    done
done
echo "== whole-model digests: random BERT (2 layers, hidden 64), InferenceSession on one sentence"
for model in "${models[@]}"; do
    reference="$(run x86-64 portable "$model")"
    echo "   $model: $(grep '^model embedding ' "$reference")"
    for path in "${x86_paths[@]}"; do
        [ "$path" = portable ] && continue
        lenient=""
        case "$path" in avx2|avx512) [ "$model" = fp32 ] && lenient=model;; esac
        compare "$model x86-64 $path" "$reference" "$(run x86-64 "$path" "$model")" $lenient
    done
    for cpu in "${arm_cpus[@]}"; do
        for path in "${arm_paths[@]}"; do
            lenient=""
            case "$path" in portable|neon) [ "$model" = fp32 ] && lenient=model;; esac
            compare "$model arm64 $path (qemu $cpu)" "$reference" "$(run "arm64-$cpu" "$path" "$model")" $lenient
        done
    done
done

# --- Disassembly ---------------------------------------------------------------------------------
sentence="The board runs qv: two-bit BERT, bit for bit."
echo "== the C API example (examples/c/embed.c on libqv, 2 threads): arm64 under qemu against x86-64"
for model in "${models[@]}"; do
    "$work/embed-x86-64" "$work/$model.qvb" "$sentence" > "$work/embed-x86-64-$model.json"
    for cpu in max cortex-a72; do
        QEMU_CPU="$cpu" qemu-aarch64-static "$arm_embed" "$work/$model.qvb" "$sentence" > "$work/embed-arm64-$model.json" \
            || { echo "FAIL  embed $model arm64 ($cpu): exit $?"; failures=$((failures + 1)); continue; }
        if cmp -s "$work/embed-x86-64-$model.json" "$work/embed-arm64-$model.json"; then
            echo "same  embed $model arm64 ($cpu)"
        elif [ "$model" = fp32 ] && [ "$(cut -d']' -f1 "$work/embed-x86-64-$model.json")" = "$(cut -d']' -f1 "$work/embed-arm64-$model.json")" ]; then
            echo "same  embed $model arm64 ($cpu) ids; FP32 values differ by fused multiply-add rounding (allowed)"
        else
            echo "FAIL  embed $model arm64 ($cpu) differs:"; diff "$work/embed-x86-64-$model.json" "$work/embed-arm64-$model.json" | head -4 | sed 's/^/      /'
            failures=$((failures + 1))
        fi
    done
done
bad="$(QEMU_CPU=cortex-a72 qemu-aarch64-static "$arm_embed" "$root/README.md" x 2>&1 || true)"
case "$bad" in *"not a qv model file"*) echo "same  embed arm64 refuses a foreign file: $bad" ;;
    *) echo "FAIL  embed arm64 on a foreign file: $bad"; failures=$((failures + 1)) ;; esac

# --- qvrun, the board binary ------------------------------------------------------------------------
size=$(stat -c %s "$arm_qvrun")
echo "== qvrun for ARM64: $(file -b "$arm_qvrun" | sed 's/, BuildID\[[^]]*\]//'), $size bytes"
case "$(file -b "$arm_qvrun")" in *"ARM aarch64"*"statically linked"*) ;; *) echo "FAIL  qvrun is not a static aarch64 executable"; failures=$((failures + 1)) ;; esac
[ "$size" -le 2097152 ] || { echo "FAIL  qvrun is $size bytes, more than 2 MiB"; failures=$((failures + 1)); }
x86_qvrun="$root/.build/release/qvrun"
sentences="$work/sentences.txt"
printf '%s\n' "A man is playing a guitar on the stage." "The new movie is awesome, I loved every minute of it!" \
    "Quantization makes transformers small enough for a board." "the quick brown fox jumps over the lazy dog" > "$sentences"
minilm="$(tools/minilm-dir.sh)"
for bits in fp32 w2a2 w1a1; do "$root/.build/release/qvc" compile "$minilm" -o "$work/minilm-$bits.qvb" --bits "$bits" >&2; done
check_qvrun() { # label model [cosine-minimum]: --json on 1 and 2 threads, qemu max and cortex-a72, against x86-64
    local label="$1" model="$2" minimum="${3:-}" result
    "$x86_qvrun" "$model" --input "$sentences" --json > "$work/qvrun-x86.jsonl"
    for cpu in max cortex-a72; do
        for threads in 1 2; do
            if ! QEMU_CPU="$cpu" qemu-aarch64-static "$arm_qvrun" "$model" --input "$sentences" --json --threads "$threads" \
                > "$work/qvrun-arm-$threads.jsonl" 2> "$work/qvrun-arm.err"; then
                echo "FAIL  qvrun $label ($cpu, $threads threads): $(cat "$work/qvrun-arm.err")"; failures=$((failures + 1)); continue
            fi
        done
        if result="$(python3 tools/arm64/compare_qvrun.py "$work/qvrun-x86.jsonl" "$work/qvrun-arm-1.jsonl" ${minimum:+--cosine "$minimum"})"; then
            echo "same  qvrun $label arm64 ($cpu) against x86-64: $result"
        else
            echo "FAIL  qvrun $label arm64 ($cpu) against x86-64: $result"; failures=$((failures + 1))
        fi
        if result="$(python3 tools/arm64/compare_qvrun.py "$work/qvrun-arm-1.jsonl" "$work/qvrun-arm-2.jsonl")"; then
            echo "same  qvrun $label arm64 ($cpu) 2 threads against 1: $result"
        else
            echo "FAIL  qvrun $label arm64 ($cpu) 2 threads against 1: $result"; failures=$((failures + 1))
        fi
    done
}
for model in "${models[@]}"; do
    check_qvrun "random BERT $model" "$work/$model.qvb" $([ "$model" = fp32 ] && echo 0.99999)
done
check_qvrun "classifier w2a2 (seed)" "$root/Tests/Fuzz/seeds/qvb/classifier-w2a2.qvb"
for bits in fp32 w2a2 w1a1; do
    check_qvrun "MiniLM-L6 $bits" "$work/minilm-$bits.qvb" $([ "$bits" = fp32 ] && echo 0.99999)
done
# The readable output, latency aside, and the one-line errors with their exit status.
without_latency() { sed -E 's/  [0-9]+\.[0-9]+ ms$//'; }
for model in "$work/minilm-w2a2.qvb" "$root/Tests/Fuzz/seeds/qvb/classifier-w2a2.qvb"; do
    if cmp -s <("$x86_qvrun" "$model" --input "$sentences" | without_latency) \
              <(qemu-aarch64-static "$arm_qvrun" "$model" --input "$sentences" | without_latency); then
        echo "same  qvrun readable output ($(basename "$model"))"
    else
        echo "FAIL  qvrun readable output differs ($(basename "$model"))"; failures=$((failures + 1))
    fi
done
head -c 5000 "$work/w2a2.qvb" > "$work/truncated.qvb"
cp "$work/w2a2.qvb" "$work/flipped.qvb"
printf '\x5a' | dd of="$work/flipped.qvb" bs=1 seek=$(( $(stat -c %s "$work/w2a2.qvb") / 2 )) conv=notrunc status=none
: > "$work/empty.qvb"
printf 'a text\n\nanother\n' > "$work/gap.txt"
same_error() { # arguments…: one line on standard error and the same exit status on both machines
    local x86_error arm_error
    x86_error="$("$x86_qvrun" "$@" 2>&1 >/dev/null; echo "exit $?")"
    arm_error="$(QEMU_CPU=cortex-a72 qemu-aarch64-static "$arm_qvrun" "$@" 2>&1 >/dev/null; echo "exit $?")"
    if [ "$x86_error" = "$arm_error" ] && [ "$(printf '%s\n' "$x86_error" | wc -l)" -eq 2 ] && [ "${x86_error##*exit }" != 0 ]; then
        echo "same  qvrun error: $(printf '%s' "$x86_error" | tr '\n' ' ' | sed "s|$work/||g")"
    else
        echo "FAIL  qvrun error differs for '$*': x86-64 '$x86_error', arm64 '$arm_error'"; failures=$((failures + 1))
    fi
}
same_error "$work/missing.qvb" --text x
same_error "$work/truncated.qvb" --text x
same_error "$work/flipped.qvb" --text x
same_error "$root/README.md" --text x
same_error "$work/empty.qvb" --text x
same_error "$work" --text x
same_error "$work/w2a2.qvb" --text "  "
same_error "$work/w2a2.qvb" --input "$work/gap.txt"
same_error "$work/w2a2.qvb" --text x --threads 0
same_error "$work/w2a2.qvb" --text x --max-memory 4K
same_error "$work/w2a2.qvb" --texts x
isa="$(QEMU_CPU=cortex-a72 QV_ISA=avx2 qemu-aarch64-static "$arm_qvrun" "$work/w2a2.qvb" --text x 2>&1 || true)"
case "$isa" in *"QV_ISA=avx2 is not a kernel path this CPU runs; use one of: scalar, portable, neon"*) echo "same  qvrun QV_ISA=avx2 refused on ARM64: $isa" ;;
    *) echo "FAIL  qvrun QV_ISA=avx2 on cortex-a72: $isa"; failures=$((failures + 1)) ;; esac
"$x86_qvrun" "$work/w1a1.qvb" --input "$sentences" --json > "$work/qvrun-x86.jsonl"
for cpu in "${arm_cpus[@]}"; do
    for isa in scalar portable neon; do
        QEMU_CPU="$cpu" QV_ISA="$isa" qemu-aarch64-static "$arm_qvrun" "$work/w1a1.qvb" --input "$sentences" --json > "$work/qvrun-isa.jsonl" || true
        if result="$(python3 tools/arm64/compare_qvrun.py "$work/qvrun-x86.jsonl" "$work/qvrun-isa.jsonl")"; then
            echo "same  qvrun QV_ISA=$isa ($cpu, random BERT w1a1) against x86-64: $result"
        else
            echo "FAIL  qvrun QV_ISA=$isa ($cpu, random BERT w1a1): $result"; failures=$((failures + 1))
        fi
    done
done

count() { # regex objects… → number of matching instructions
    local regex="$1"; shift
    for object in "$@"; do aarch64-linux-gnu-objdump -d "$object"; done | grep -cE "^\s+[0-9a-f]+:\s+[0-9a-f]{8}\s+($regex)\s" || true
}
kernel_objects=("$objects"/QVKernels.build/*.o)
neon_objects=("$objects"/CQVKernelsARM.build/*.o)
cnt=$(count 'cnt' "${kernel_objects[@]}")
sdot=$(count 'sdot' "${neon_objects[@]}")
udot=$(count 'udot' "${neon_objects[@]}")
tbl=$(count 'tbl' "${neon_objects[@]}")
echo "== NEON instructions: cnt $cnt (QVKernels), sdot $sdot, udot $udot, tbl $tbl (CQVKernelsARM)"
[ "$cnt" -gt 0 ] || { echo "FAIL  no NEON cnt in QVKernels: the binary popcount did not vectorise"; failures=$((failures + 1)); }
[ "$sdot" -gt 0 ] && [ "$udot" -gt 0 ] && [ "$tbl" -gt 0 ] || { echo "FAIL  no sdot/udot/tbl in CQVKernelsARM"; failures=$((failures + 1)); }

if [ "$failures" -gt 0 ]; then echo "arm64-check: $failures check(s) failed"; exit 1; fi
echo "arm64-check: ARM64 (Embedded Swift, qemu) matches x86-64 bit for bit"
