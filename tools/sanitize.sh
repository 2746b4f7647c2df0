#!/usr/bin/env bash
# The test suite under a sanitizer, in its own build folder: address (ASan + LeakSanitizer),
# undefined (UBSan) or thread (TSan, for the threaded runtime).
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
swift build --build-path "$build" --sanitize="$sanitizer"
export QV_BIN_DIR="$root/$build/debug"
# Reports fail the run; ASan also reports leaks at exit.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" TSAN_OPTIONS="halt_on_error=1"
swift test --build-path "$build" --sanitize="$sanitizer" "$@"
