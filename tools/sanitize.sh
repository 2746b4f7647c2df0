#!/usr/bin/env bash
# The test suite under a sanitizer, in its own build folder, release with -enable-testing (as the
# test command builds it) and QV_CHECKED=1 (Package.swift: Swift's overflow and bounds checks kept
# where release builds drop them):
#   address    AddressSanitizer on Swift, C and C++ (the allocation-counting tests skip: ASan
#              replaces malloc itself);
#   undefined  UndefinedBehaviorSanitizer on the C and C++ code (kernels, verifier shim), trapping
#              on the first report; Swift has no UBSan, its own checks are what QV_CHECKED keeps;
#   thread     ThreadSanitizer, for the threaded runtime and trainer.
# Usage: tools/sanitize.sh address|undefined|thread [swift test arguments…]   e.g.
#   tools/sanitize.sh address --filter 'QVRuntimeTests|QVFuzzingTests|QVFormatTests'
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
sanitizer="${1:?usage: tools/sanitize.sh address|undefined|thread [swift test arguments…]}"; shift
case "$sanitizer" in address|undefined|thread) ;; *) echo "sanitize: unknown sanitizer '$sanitizer'" >&2; exit 2 ;; esac
export QV_MINILM_DIR="$(tools/minilm-dir.sh)"
tools/make-fixtures.sh
build=".build/sanitize-$sanitizer"
export QV_CHECKED=1 QV_SANITIZER="$sanitizer"
case "$sanitizer" in
    undefined) flags=(-Xcc -fsanitize=undefined -Xcc -fsanitize-trap=undefined -Xcxx -fsanitize=undefined -Xcxx -fsanitize-trap=undefined) ;;
    *) flags=(--sanitize="$sanitizer") ;;
esac
swift build -c release --build-path "$build" "${flags[@]}" 2>&1 | { grep -vE "^\[[0-9]+/[0-9]+\]|Cannot export local symbol" || true; }
export QV_BIN_DIR="$root/$build/release"
# Reports fail the run. LeakSanitizer is off: it cannot see Swift's tagged string and object
# pointers, so every process that exits with a live error message (each refused command line)
# would "leak" it; leaks are checked by the allocation-counting tests instead.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" TSAN_OPTIONS="halt_on_error=1"
swift test -c release -Xswiftc -enable-testing --build-path "$build" "${flags[@]}" "$@" 2>&1 \
    | { grep -vE "^\[[0-9]+/[0-9]+\]|Cannot export local symbol" || true; }
