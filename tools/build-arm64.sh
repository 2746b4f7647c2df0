#!/usr/bin/env bash
# Builds qv for ARM64 Linux boards from the same Swift sources as the x86-64 build:
#   .build/arm64/qvrun    one static, stripped aarch64 executable (no dynamic dependencies): the
#                         qvrun command (QVRun, on the C API) over the runtime core and kernels
#   .build/arm64/libqv.a  the C API (include/qv.h) with everything it needs but the C library:
#                         aarch64-linux-gnu-gcc -static -fuse-ld=lld app.c libqv.a -lpthread -lm
# The Swift is Embedded Swift for aarch64-none-none-elf (`QV_EMBEDDED=1` in Package.swift); the
# .qvb verifier (C++), the host C and the entry are compiled by the cross GCC; the link is
# against glibc and libzstd for arm64, with lld (GNU ld refuses a protected symbol in the Swift
# objects) and --gc-sections (every function has its own section).
# Installs its Debian packages if missing (arm64 multiarch for libzstd). Prints what it made,
# and with --sizes what takes the space in qvrun.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/arm64"
scratch="$root/.build/embedded"
cd "$root"

apt_packages=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static libzstd-dev:arm64)
missing=()
for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "build-arm64: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
swift_bin="$(dirname "$(command -v swiftc)")"
unicode_tables="$swift_bin/../lib/swift/embedded/aarch64-none-none-elf/libswiftUnicodeDataTables.a"
zstd_library=/usr/lib/aarch64-linux-gnu/libzstd.a
mkdir -p "$out/obj" "$out/zstd-include"

# zstd.h alone on the include path (not all of /usr/include, whose glibc headers are x86-64's).
ln -sf /usr/include/zstd.h /usr/include/zstd_errors.h "$out/zstd-include/"
echo "build-arm64: Embedded Swift for aarch64-none-none-elf" >&2
# Every object below is linked, so none may be left over from sources that moved or went away.
rm -rf "$scratch" "$out/obj"/*
QV_EMBEDDED=1 swift build -c release --triple aarch64-none-none-elf --scratch-path "$scratch" \
    -Xcc -I"$out/zstd-include" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' >&2
swift_objects="$scratch/aarch64-none-none-elf/release"

c_flags=(-O2 -ffunction-sections -fdata-sections)
for source in Sources/2-Format/CQVBShim/*.cpp; do
    aarch64-linux-gnu-g++ -std=c++17 "${c_flags[@]}" -fno-exceptions -fno-rtti -ISources/2-Format/CQVBShim/include \
        -ISources/2-Format/CQVBShim/generated -c "$source" -o "$out/obj/$(basename "$source").o"
done
for source in Sources/8-CommandLine/CQVHost/*.c; do
    aarch64-linux-gnu-gcc -std=c11 "${c_flags[@]}" -ISources/8-CommandLine/CQVHost/include -c "$source" -o "$out/obj/host-$(basename "$source").o"
done
aarch64-linux-gnu-gcc -std=c11 "${c_flags[@]}" -c tools/arm64/qvrun.c -o "$out/obj/qvrun-main.o"

# libqv.a: the runtime core, the C API, the verifier, the host C, zstd and the Unicode tables
# (the tokenizer's), so an application links it with nothing but the C library.
library_modules=(QVQuant QVKernelsMath CQVKernelsARM QVKernels QVFormat QVRuntime QVText QVCAPI)
library_objects=()
for module in "${library_modules[@]}"; do library_objects+=("$swift_objects/$module.build"/*.o); done
rm -rf "$out/bundled" && mkdir -p "$out/bundled/zstd" "$out/bundled/unicode"
(cd "$out/bundled/zstd" && ar x "$zstd_library")
(cd "$out/bundled/unicode" && ar x "$unicode_tables")
rm -f "$out/libqv.a"
aarch64-linux-gnu-ar rcs "$out/libqv.a" "${library_objects[@]}" "$out/obj/crc32c.cpp.o" "$out/obj/verify.cpp.o" "$out/obj"/host-*.o \
    "$out/bundled/zstd"/*.o "$out/bundled/unicode"/*.o

# qvrun: its entry, its command and the command-line core, on libqv.a.
aarch64-linux-gnu-gcc -static -fuse-ld=lld -B"$swift_bin" -Wl,--gc-sections -s "$out/obj/qvrun-main.o" \
    "$swift_objects"/QVRun.build/*.o "$swift_objects"/QVHost.build/*.o "$out/libqv.a" -lpthread -lm -o "$out/qvrun"
echo "build-arm64: $(file -b "$out/qvrun" | sed "s/, BuildID\[[^]]*\]=[0-9a-f]*//") — $(stat -c %s "$out/qvrun") bytes" >&2
echo "build-arm64: made $out/qvrun and $out/libqv.a" >&2

if [ "${1:-}" = --sizes ]; then
    # What takes the space: the same link from the objects themselves (not the archive, so each
    # keeps its module's name), with a map. In lld's map an output section is
    # "VMA LMA SIZE ALIGN NAME" and an input section "VMA LMA SIZE ALIGN FILE:(SECTION)", sizes in
    # hex; only sections loaded into memory and stored in the file count (not .bss, not symbols).
    aarch64-linux-gnu-gcc -static -fuse-ld=lld -B"$swift_bin" -Wl,--gc-sections "$out/obj/qvrun-main.o" \
        "$swift_objects"/QVRun.build/*.o "$swift_objects"/QVHost.build/*.o "${library_objects[@]}" \
        "$out/obj/crc32c.cpp.o" "$out/obj/verify.cpp.o" "$out/obj"/host-*.o "$out/bundled/zstd"/*.o "$out/bundled/unicode"/*.o \
        -lpthread -lm -Wl,-Map,"$out/qvrun.map" -o "$out/qvrun-symbols"
    awk 'function hex(s,   n, i) { n = 0; for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return n }
        NF == 5 && $5 !~ /:\(/ && $5 ~ /^\./ { loaded = hex($1) != 0 && $5 !~ /^\.t?bss/; next }
        loaded && $5 ~ /:\(/ {
            file = $5; sub(/:\(.*/, "", file)
            if (file ~ /libc\.a|libm\.a|libpthread|crt|libgcc/) group = "glibc and libgcc (static)"
            else if (file ~ /bundled\/zstd/) group = "zstd (decompression)"
            else if (file ~ /bundled\/unicode/) group = "Swift Unicode tables (for the tokenizer)"
            else if (file ~ /\.cpp\.o/) group = "FlatBuffers verifier, CRC-32C (C++)"
            else if (file ~ /host-.*\.o|qvrun-main\.o/) group = "host C (CQVHost, entry)"
            else if (match(file, /[A-Za-z0-9]+\.build/)) group = "module " substr(file, RSTART, RLENGTH - 6)
            else group = "linker (" file ")"
            bytes[group] += hex($3); total += hex($3)
        }
        END { for (g in bytes) printf "%9d  %5.1f%%  %s\n", bytes[g], 100 * bytes[g] / total, g
              printf "%9d  100.0%%  loaded sections in all (the stripped file adds its headers)\n", total }' \
        "$out/qvrun.map" | sort -rn
fi
