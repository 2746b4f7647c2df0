#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Sources/Fuzz/QVFuzzing) with AddressSanitizer and runs one on
# its committed seeds (Tests/Fuzz/seeds/HARNESS): SwiftPM compiles the libraries with coverage and
# ASan (it cannot link a libFuzzer executable itself: its ELF executables get
# `--defsym main=…_main`), and swiftc links tools/fuzz/Fuzzer.swift against their objects with
# libFuzzer's main. Harnesses: qvb huggingface tokenizer-files tokenizer-text checkpoint data.
# Usage: tools/fuzz.sh HARNESS [RUNS (default 1000000)] [extra libFuzzer flags…]
#   e.g. tools/fuzz.sh qvb 20000 -max_total_time=30
# The corpus a harness grows is .build/fuzz/corpus/HARNESS, its findings .build/fuzz/findings/HARNESS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
harness="${1:?usage: tools/fuzz.sh HARNESS [RUNS] [libFuzzer flags…]}"; shift
runs="${1:-1000000}"; shift || true
[ -d "Tests/Fuzz/seeds/$harness" ] || { echo "fuzz: no seeds for '$harness' (Tests/Fuzz/seeds/$harness)" >&2; exit 2; }
build=.build/fuzz
release="$build/release"
fuzzer="$build/qv-fuzzer"
# One build for every harness; a concurrent run of this script waits for it.
mkdir -p "$build"
exec 9> "$build.lock"
flock 9
flags=(-c release --build-path "$build" -Xswiftc -sanitize=fuzzer,address -Xswiftc -g)
echo "fuzz: building QVFuzzing with coverage and ASan" >&2
swift build "${flags[@]}" --target QVFuzzing 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
# The targets' objects, less any whose source file is gone (a renamed file leaves its old object).
objects=$(find "$release/" -name '*.o' -path '*.build/*' \
    | grep -E '/(QVFuzzing|QVTrainer|QVCompiler|QVText|QVRuntime|QVKernels|QVKernelsAVX2|QVKernelsAVX512|QVKernelsMath|QVFormat|QVQuant|CQVBShim|CQVKernelsX86|CQVKernelsARM)\.build/' \
    | awk -v sources="$(find Sources -type f -printf '%f\n')" 'BEGIN { n = split(sources, s, "\n"); for (i = 1; i <= n; i++) have[s[i]] = 1 }
        { name = $0; sub(/.*\//, "", name); sub(/\.o$/, "", name); if (name in have) print }' | sort)
if [ ! -x "$fuzzer" ] || [ -n "$(find $objects tools/fuzz/Fuzzer.swift -newer "$fuzzer" -print -quit)" ]; then
    maps=(); for m in "$release"/*.build/module.modulemap Sources/2-Format/CZstd/module.modulemap Sources/7-Trainer/COpenBLAS/module.modulemap; do
        [ -f "$m" ] && maps+=(-Xcc -fmodule-map-file="$m"); done
    echo "fuzz: linking the harnesses" >&2
    swiftc -parse-as-library -O -sanitize=fuzzer,address -g tools/fuzz/Fuzzer.swift -I "$release/Modules" "${maps[@]}" \
        -Xcc -ISources/2-Format/CQVBShim/include $objects -lzstd -lopenblas -lstdc++ -lm -o "$fuzzer.tmp" 2>&1 \
        | { grep -v "Cannot export local symbol '__asan" || true; } >&2
    mv "$fuzzer.tmp" "$fuzzer"
fi
flock -u 9
corpus="$build/corpus/$harness" findings="$build/findings/$harness/"
mkdir -p "$corpus" "$findings"
cp -n "Tests/Fuzz/seeds/$harness"/* "$corpus/" 2>/dev/null || true
dict=(); [ -f "tools/fuzz/$harness.dict" ] && dict=(-dict="tools/fuzz/$harness.dict")
# Inputs a few times the seeds' size: larger ones only repeat what the parsers bound already, slowly.
case "$harness" in qvb) max_len=262144 ;; tokenizer-text|data) max_len=16384 ;; *) max_len=65536 ;; esac
log="$build/$harness.log"
echo "fuzz: $harness, $runs executions (progress in $log)" >&2
status=0
# SWIFT_BACKTRACE off: a Swift trap then ends in libFuzzer's report (with its message), not in the
# backtracer, which ASan cannot follow.
SWIFT_BACKTRACE=enable=no QV_FUZZ_HARNESS="$harness" QV_FUZZ_TOKENIZER="${QV_FUZZ_TOKENIZER:-$("$root/tools/minilm-dir.sh")}" \
"$fuzzer" -runs="$runs" -max_len="$max_len" -timeout=20 -rss_limit_mb=4096 -malloc_limit_mb=4096 "${dict[@]}" \
    -artifact_prefix="$findings" -print_final_stats=1 "$@" "$corpus" > "$log" 2>&1 || status=$?
grep -vE '^#[0-9]+\s+(NEW|REDUCE|pulse)|^"' "$log" | tail -20
exit "$status"
