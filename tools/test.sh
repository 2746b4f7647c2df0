#!/usr/bin/env bash
# The test command: installs what is missing, checks the generated FlatBuffers header is
# current, makes the reference fixtures (cached), builds release and runs every test, then the
# .qvb fuzz smokes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tools/setup.sh
tools/check-generated.sh
export QV_MINILM_DIR="$(tools/minilm-dir.sh)"
tools/make-fixtures.sh
swift build -c release
export QV_BIN_DIR="$root/.build/release"
swift test -c release -Xswiftc -enable-testing "$@"
# Hostile inputs from the committed seeds: the structure-aware .qvb probe (each mutant in a child
# process, so a crash or hang is caught and kept), then a 30-second libFuzzer + AddressSanitizer
# smoke of every harness (tools/fuzz.sh: .qvb, Hugging Face folder, tokenizer files and text,
# checkpoint, labelled data).
.build/release/qv-fuzz probe Tests/Fuzz/seeds/qvb/*.qvb --count 3000 --mutations 2 --keep .build
for harness in qvb huggingface tokenizer-files tokenizer-text checkpoint data; do
    tools/fuzz.sh "$harness" 1000000 -max_total_time=30
done
# The runtime core as a static ARM64 binary (Embedded Swift) under qemu, bit for bit against x86-64.
tools/arm64-check.sh
