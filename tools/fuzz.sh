#!/usr/bin/env bash
# Builds the libFuzzer harness of .qvb loading with AddressSanitizer and runs it on the committed
# seeds (Tests/Fuzz/seeds): SwiftPM compiles the libraries with coverage and ASan (it cannot link
# a libFuzzer executable itself: its ELF executables get `--defsym main=…_main`), and swiftc links
# tools/fuzz/QVBFuzzer.swift against their objects with libFuzzer's main.
# Usage: tools/fuzz.sh [RUNS (default 1000000)] [extra libFuzzer flags…]   e.g. tools/fuzz.sh 20000
# CI runs a short smoke (tools/test.sh); findings land in .build/fuzz/findings/, the corpus the
# fuzzer grows in .build/fuzz/corpus/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
runs="${1:-1000000}"; shift || true
build=.build/fuzz
flags=(-c release --build-path "$build" -Xswiftc -sanitize=fuzzer,address -Xswiftc -g)
echo "fuzz: building QVFuzzing with coverage and ASan" >&2
swift build "${flags[@]}" --target QVFuzzing 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2 || true
release="$build/release"
objects=$(find "$release/" -name '*.o' -path '*.build/*' \
    | grep -E '/(QVFuzzing|QVText|QVRuntime|QVKernels|QVKernelsAVX2|QVKernelsAVX512|QVKernelsMath|QVFormat|QVQuant|CQVBShim|CQVKernelsX86|CQVKernelsARM)\.build/' | sort)
maps=(); for m in "$release"/*.build/module.modulemap Sources/2-Format/CZstd/module.modulemap; do [ -f "$m" ] && maps+=(-Xcc -fmodule-map-file="$m"); done
echo "fuzz: linking the harness" >&2
swiftc -parse-as-library -O -sanitize=fuzzer,address -g tools/fuzz/QVBFuzzer.swift -I "$release/Modules" "${maps[@]}" \
    -Xcc -ISources/2-Format/CQVBShim/include $objects -lzstd -lstdc++ -lm -o "$build/qvb-fuzzer" 2>&1 \
    | { grep -v "Cannot export local symbol '__asan" || true; } >&2
mkdir -p "$build/corpus" "$build/findings"
cp -n Tests/Fuzz/seeds/*.qvb "$build/corpus/" 2>/dev/null || true
echo "fuzz: $runs executions" >&2
"$build/qvb-fuzzer" -runs="$runs" -max_len=262144 -timeout=20 -rss_limit_mb=4096 -malloc_limit_mb=4096 \
    -artifact_prefix="$build/findings/" -print_final_stats=1 "$@" "$build/corpus" 2>&1 | tail -25
