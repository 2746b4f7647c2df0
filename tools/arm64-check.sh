#!/usr/bin/env bash
# Checks the ARM64 build of qv's runtime core against x86-64, bit for bit.
#
#  1. Builds QVQuant, QVKernelsMath, QVKernels (scalar, portable and NEON sdot/udot paths), QVFormat,
#     QVRuntime and the digest driver (tools/arm64/digests) with Embedded Swift for
#     aarch64-none-none-elf (`QV_EMBEDDED=1` in Package.swift), compiles the .qvb verifier (C++)
#     and the C harness (tools/arm64/main.c) with the cross GCC, and links a static ARM64 Linux
#     binary against glibc, libstdc++ and libzstd.
#  2. Builds the same driver natively (`qv-digests`) and `qvc`, makes a tiny random BERT
#     (tools/make_random_bert.py) and compiles it at fp32, w8a8, w2a2, w1a1 and w2a2 + zstd.
#  3. Runs the kernel digests (integer GEMMs of every format pair, epilogue, quantize-pack at
#     every format, softmax, GELU, LayerNorm, FP32 GEMM) and the whole-model digests (token ids,
#     embedding bits) on every ARM64 path under qemu-aarch64-static and on every x86-64 path, and
#     fails unless each equals x86-64 `portable`. Only paths whose FP32 GEMM fuses multiply-add
#     (x86 avx2/avx512, ARM64 portable/neon)
#     may differ, and only in FP32 GEMM results (fused multiply-add rounding): those are shown, not failed.
#  4. Counts NEON `cnt` (binary popcount) in QVKernels' objects and `sdot`/`udot` in the NEON
#     C kernels, and fails if either is missing.
#
# Usage: tools/arm64-check.sh   (from anywhere; work files go to .build/arm64-check)
# Installs its Debian packages if missing (arm64 multiarch for libzstd). Safe to run again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.build/arm64-check"
scratch="$root/.build/embedded"
mkdir -p "$work"
cd "$root"

# --- Tools -------------------------------------------------------------------------------------
apt_packages=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static libzstd-dev:arm64)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "arm64-check: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
swift_bin="$(dirname "$(command -v swiftc)")"
embedded_lib="$swift_bin/../lib/swift/embedded/aarch64-none-none-elf"

# --- ARM64 binary (Embedded Swift) -------------------------------------------------------------
# zstd.h alone on the include path (not all of /usr/include, whose glibc headers are x86-64's).
mkdir -p "$work/zstd-include"
ln -sf /usr/include/zstd.h /usr/include/zstd_errors.h "$work/zstd-include/"
echo "arm64-check: building the runtime core with Embedded Swift for aarch64-none-none-elf" >&2
# Every object below is linked, so none may be left over from sources that moved or went away.
rm -rf "$scratch"
QV_EMBEDDED=1 swift build -c release --triple aarch64-none-none-elf --scratch-path "$scratch" \
    -Xcc -I"$work/zstd-include" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
objects="$scratch/aarch64-none-none-elf/release"
mkdir -p "$work/arm64-obj"
for source in Sources/2-Format/CQVBShim/*.cpp; do
    aarch64-linux-gnu-g++ -std=c++17 -O2 -ISources/2-Format/CQVBShim/include -ISources/2-Format/CQVBShim/generated \
        -c "$source" -o "$work/arm64-obj/$(basename "$source").o"
done
aarch64-linux-gnu-gcc -std=c11 -O2 -c tools/arm64/main.c -o "$work/arm64-obj/main.o"
aarch64-linux-gnu-gcc -std=c11 -O2 -ISources/8-CommandLine/CQVHost/include -c Sources/8-CommandLine/CQVHost/host.c -o "$work/arm64-obj/host.o"
arm_binary="$work/qv-digests-arm64"
# lld, not GNU ld (a protected symbol in the Swift objects); g++ for the verifier's libstdc++.
aarch64-linux-gnu-g++ -static -fuse-ld=lld -B"$swift_bin" "$work"/arm64-obj/*.o \
    $(find "$objects" -name '*.o' | sort) "$embedded_lib/libswiftUnicodeDataTables.a" \
    /usr/lib/aarch64-linux-gnu/libzstd.a -lm -o "$arm_binary"

# The C API's example (examples/c/embed.c) linked against the same objects: libqv for a board.
aarch64-linux-gnu-gcc -std=c11 -O2 -Iinclude -c examples/c/embed.c -o "$work/embed.o"
arm_embed="$work/embed-arm64"
aarch64-linux-gnu-g++ -static -fuse-ld=lld -B"$swift_bin" "$work/embed.o" $(ls "$work"/arm64-obj/*.o | grep -v '/main.o$') \
    $(find "$objects" -name '*.o' | sort) "$embedded_lib/libswiftUnicodeDataTables.a" \
    /usr/lib/aarch64-linux-gnu/libzstd.a -lm -lpthread -o "$arm_embed"

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
run() { # machine path [model] → digest file
    local machine="$1" path="$2" model="${3:-kernels}" out="$work/$1-$2-${3:-kernels}.txt"
    if [ "$machine" = arm64 ]; then
        qemu-aarch64-static "$arm_binary" "$path" ${3:+"$work/$3.qvb"} > "$out"
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
for path in "${arm_paths[@]}"; do
    compare "arm64 $path (qemu)" "$reference" "$(run arm64 "$path")" $(case "$path" in portable|neon) echo kernels;; esac)
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
    for path in "${arm_paths[@]}"; do
        lenient=""
        case "$path" in portable|neon) [ "$model" = fp32 ] && lenient=model;; esac
        compare "$model arm64 $path (qemu)" "$reference" "$(run arm64 "$path" "$model")" $lenient
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

count() { # regex objects… → number of matching instructions
    local regex="$1"; shift
    for object in "$@"; do aarch64-linux-gnu-objdump -d "$object"; done | grep -cE "^\s+[0-9a-f]+:\s+[0-9a-f]{8}\s+($regex)\s" || true
}
kernel_objects=("$objects"/QVKernels.build/*.o)
neon_objects=("$objects"/CQVKernelsARM.build/*.o)
cnt=$(count 'cnt' "${kernel_objects[@]}")
sdot=$(count 'sdot' "${neon_objects[@]}")
udot=$(count 'udot' "${neon_objects[@]}")
echo "== NEON instructions: cnt $cnt (QVKernels), sdot $sdot, udot $udot (CQVKernelsARM)"
[ "$cnt" -gt 0 ] || { echo "FAIL  no NEON cnt in QVKernels: the binary popcount did not vectorise"; failures=$((failures + 1)); }
[ "$sdot" -gt 0 ] && [ "$udot" -gt 0 ] || { echo "FAIL  no sdot/udot in CQVKernelsARM"; failures=$((failures + 1)); }

if [ "$failures" -gt 0 ]; then echo "arm64-check: $failures check(s) failed"; exit 1; fi
echo "arm64-check: ARM64 (Embedded Swift, qemu) matches x86-64 bit for bit"
