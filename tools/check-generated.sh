#!/bin/sh
# Fails (exit 1) when Sources/2-Format/CQVBShim/generated/qvb_generated.h is not what `flatc --cpp` makes
# from formats/qvb.fbs now. Fix: flatc --cpp -o Sources/2-Format/CQVBShim/generated formats/qvb.fbs
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
command -v flatc >/dev/null 2>&1 || { echo "check-generated: flatc not found on PATH" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flatc --cpp -o "$tmp" "$root/formats/qvb.fbs"
if diff -u "$root/Sources/2-Format/CQVBShim/generated/qvb_generated.h" "$tmp/qvb_generated.h"; then
    echo "check-generated: qvb_generated.h is up to date ($(flatc --version))"
else
    echo "check-generated: qvb_generated.h is stale; run:" >&2
    echo "  flatc --cpp -o Sources/2-Format/CQVBShim/generated formats/qvb.fbs" >&2
    exit 1
fi
