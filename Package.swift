// swift-tools-version:6.0
// qv — 1-bit and 2-bit transformers: compiler (`qvc`), runtime (`qvrun`), kernels.
// Modules in pipeline order, one folder of Sources/ per stage (1-Quant … 8-CommandLine, and the
// bench-only Sources/Bench); none depends on one later in the list:
//   QVQuant → QVFormat → QVKernels → QVRuntime → QVText → QVCompiler → QVTrainer → QVCommandLine → qvc
//   and, on the runtime alone, QVHost → QVCAPI (include/qv.h) → QVRun (qvrun, a C-API program) → qvrun / the ARM64 board binary
import PackageDescription

/// How release builds of the hot targets optimize: `-Ounchecked` (no overflow or precondition
/// traps in kernels and the trainer's loops), or with `QV_CHECKED=1` plain `-O`, every Swift check
/// kept — what tools/sanitize.sh builds, so a sanitizer run also traps on overflow and bad indices.
let releaseOptimization = Context.environment["QV_CHECKED"] == "1" ? "-O" : "-Ounchecked"

/// Runtime-core settings: no Foundation, no I/O, so the same sources build with Embedded Swift.
let hostCoreSwiftSettings: [SwiftSetting] = [
    .unsafeFlags([releaseOptimization, "-wmo"], .when(configuration: .release)),
]

/// Settings of a Swift target whose code uses one x86-64 vector ISA (`-Xcc -m…` flags drive Swift
/// codegen too). QVKernels calls such code only after checking the CPU; on other architectures the
/// flags are left out and the target's sources compile to nothing.
func isaSwiftSettings(_ features: [String]) -> [SwiftSetting] {
    #if arch(x86_64)
    let flags = features.flatMap { ["-Xcc", "-m\($0)"] }
    #else
    let flags: [String] = []
    #endif
    return [.unsafeFlags(flags)] + coreSwiftSettings
}

/// `QV_EMBEDDED=1` builds only the runtime core, in Embedded Swift, for a bare triple such as
/// `swift build -c release --triple aarch64-none-none-elf` (see tools/arm64-check.sh): no x86
/// ISA targets, no C++ or system libraries, no executables or tests.
let embedded = Context.environment["QV_EMBEDDED"] == "1"

/// Settings every runtime-core Swift target gets (plus Embedded mode when building for a board,
/// with a section per function so the board binary's linker drops what it never calls).
let coreSwiftSettings: [SwiftSetting] = embedded
    ? [.enableExperimentalFeature("Embedded"), .unsafeFlags(["-Ounchecked", "-wmo", "-Xfrontend", "-function-sections"], .when(configuration: .release))]
    : hostCoreSwiftSettings

/// The Embedded-Swift package: the runtime core and its NEON C kernels only. (A function, like
/// `hostPackage()`: creating a `Package` registers it, so only the chosen one may be created.)
func embeddedPackage() -> Package { Package(
    name: "qv",
    products: [.library(name: "QVRuntime", targets: ["QVRuntime", "QVText"]), .library(name: "qv", targets: ["QVCAPI"]), .library(name: "QVRun", targets: ["QVRun"])],
    targets: [
        .target(name: "CQVKernelsARM", path: "Sources/3-Kernels/CQVKernelsARM", cSettings: [.unsafeFlags(["-O3", "-ffunction-sections", "-fdata-sections"])]),
        .target(name: "QVQuant", path: "Sources/1-Quant/QVQuant", swiftSettings: coreSwiftSettings),
        .target(name: "QVKernelsMath", path: "Sources/3-Kernels/QVKernelsMath", swiftSettings: coreSwiftSettings),
        .target(name: "QVKernels", dependencies: ["CQVKernelsARM", "QVKernelsMath", "QVQuant"], path: "Sources/3-Kernels/QVKernels", swiftSettings: coreSwiftSettings),
        // The .qvb verifier (C++) is built by the cross C++ compiler and libzstd comes from the
        // board's C library set; Swift sees their C headers only.
        .systemLibrary(name: "CQVBShim", path: "tools/arm64/CQVBShim"),
        .systemLibrary(name: "CZstd", path: "Sources/2-Format/CZstd"),
        .target(name: "QVFormat", dependencies: ["CQVBShim", "CZstd", "QVQuant"], path: "Sources/2-Format/QVFormat", swiftSettings: coreSwiftSettings),
        .target(name: "QVRuntime", dependencies: ["QVFormat", "QVKernelsMath", "QVKernels"], path: "Sources/4-Runtime/QVRuntime", swiftSettings: coreSwiftSettings),
        .target(name: "QVText", dependencies: ["QVFormat", "QVRuntime"], path: "Sources/5-Text/QVText", swiftSettings: coreSwiftSettings),
        // The host layer (its C compiled by the cross C compiler too), the C API on it, and
        // qvrun on the C API, entered from C (tools/arm64/qvrun.c).
        .systemLibrary(name: "CQVHost", path: "tools/arm64/CQVHost"),
        .target(name: "QVHost", dependencies: ["CQVHost", "QVKernels", "QVRuntime"], path: "Sources/8-CommandLine/QVHost", swiftSettings: coreSwiftSettings),
        .target(name: "QVCAPI", dependencies: ["QVHost", "QVRuntime", "QVText", "QVFormat"], path: "Sources/8-CommandLine/QVCAPI",
                swiftSettings: coreSwiftSettings),
        .systemLibrary(name: "CQV", path: "Sources/8-CommandLine/CQV"),
        .target(name: "QVRun", dependencies: ["CQV", "QVCAPI", "QVHost", "QVRuntime"], path: "Sources/8-CommandLine/QVRun", swiftSettings: coreSwiftSettings),
        // The digest driver of tools/arm64-check.sh, entered from C (tools/arm64/main.c).
        .target(name: "QVDigests", dependencies: ["QVKernelsMath", "QVKernels", "QVRuntime", "QVText"], path: "tools/arm64/digests",
                exclude: ["main.swift"], swiftSettings: coreSwiftSettings),
    ],
    cLanguageStandard: .c11
) }

/// The whole package for the host: compiler, runtime, command-line tools, tests.
func hostPackage() -> Package { Package(
    name: "qv",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "qvc", targets: ["qvc"]),
        .executable(name: "qvrun", targets: ["qvrun"]),
        .library(name: "QVRuntime", targets: ["QVRuntime", "QVText"]),
        .library(name: "QVBenchCeilings", targets: ["QVBenchCeilings"]),
        .library(name: "qv", type: .static, targets: ["QVCAPI"]),
    ],
    targets: [
        // C libraries from Debian.
        .systemLibrary(name: "CZstd", path: "Sources/2-Format/CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // OpenBLAS (cblas_sgemm): the trainer's GEMMs and the FP32 yardstick of `qvc bench --kernels`.
        .systemLibrary(name: "COpenBLAS", path: "Sources/7-Trainer/COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        // libflatbuffers' C++ Verifier and CRC-32C behind a plain C API.
        .target(
            name: "CQVBShim", path: "Sources/2-Format/CQVBShim",
            cxxSettings: [.headerSearchPath("generated"), .unsafeFlags(["-O2"])]
        ),

        // The quantization contract: formats and their traits table, the rounding rule and its
        // gradients, field placement. No dependencies.
        .target(name: "QVQuant", path: "Sources/1-Quant/QVQuant", swiftSettings: coreSwiftSettings),
        .target(name: "QVFormat", dependencies: ["CQVBShim", "CZstd", "QVQuant"], path: "Sources/2-Format/QVFormat", swiftSettings: coreSwiftSettings),
        // x86-64 CPU feature probing (CPUID/XGETBV) and intrinsic kernels; empty elsewhere.
        .target(name: "CQVKernelsX86", path: "Sources/3-Kernels/CQVKernelsX86", cSettings: [.unsafeFlags(["-O3"])]),
        // ARM64 CPU feature probing and NEON SDOT/UDOT kernels; empty elsewhere.
        .target(name: "CQVKernelsARM", path: "Sources/3-Kernels/CQVKernelsARM", cSettings: [.unsafeFlags(["-O3"])]),
        // Lane-generic inlinable FP32 math, instantiated by each ISA module below.
        .target(name: "QVKernelsMath", path: "Sources/3-Kernels/QVKernelsMath", swiftSettings: coreSwiftSettings),
        // Swift SIMD kernels built for AVX-512 (with VPOPCNTDQ) and for AVX2.
        .target(name: "QVKernelsAVX512", dependencies: ["CQVKernelsX86", "QVKernelsMath"], path: "Sources/3-Kernels/QVKernelsAVX512", swiftSettings: isaSwiftSettings(
            ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512vpopcntdq", "avx2", "fma", "bmi2", "popcnt"])),
        .target(name: "QVKernelsAVX2", dependencies: ["CQVKernelsX86", "QVKernelsMath"], path: "Sources/3-Kernels/QVKernelsAVX2", swiftSettings: isaSwiftSettings(["avx2", "fma", "bmi2", "popcnt"])),
        .target(name: "QVKernels", dependencies: ["CQVKernelsX86", "CQVKernelsARM", "QVKernelsMath", "QVKernelsAVX512", "QVKernelsAVX2", "QVQuant"], path: "Sources/3-Kernels/QVKernels",
                swiftSettings: coreSwiftSettings, linkerSettings: [.linkedLibrary("m")]),
        // Bench-only (not the runtime core): the instruction-throughput ceilings of `qvc bench --kernels`:
        // FP32 FMA and int8 dot products in C, XOR + popcount in Swift SIMD built per ISA.
        .target(name: "CQVBenchCeilings", dependencies: ["CQVKernelsX86"], path: "Sources/Bench/CQVBenchCeilings", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "QVBenchCeilingsAVX512", path: "Sources/Bench/QVBenchCeilingsAVX512", swiftSettings: isaSwiftSettings(
            ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512vpopcntdq", "avx2", "fma", "bmi2", "popcnt"])),
        .target(name: "QVBenchCeilings", dependencies: ["QVKernels", "CQVBenchCeilings", "QVBenchCeilingsAVX512"], path: "Sources/Bench/QVBenchCeilings"),
        .target(name: "QVRuntime", dependencies: ["QVFormat", "QVKernelsMath", "QVKernels"], path: "Sources/4-Runtime/QVRuntime", swiftSettings: coreSwiftSettings),
        // The WordPiece tokenizer and text entry points, above the runtime (Embedded-clean too).
        .target(name: "QVText", dependencies: ["QVFormat", "QVRuntime"], path: "Sources/5-Text/QVText", swiftSettings: coreSwiftSettings),
        .target(name: "QVCompiler", dependencies: ["QVFormat", "QVKernels", "QVRuntime", "QVText"], path: "Sources/6-Compiler/QVCompiler"),
        // Quantization-aware training: autograd over OpenBLAS, the learned quantizers (the
        // contract's rounding and gradients), recipes, checkpoints, labelled-text data.
        .target(name: "QVTrainer", dependencies: ["QVQuant", "QVFormat", "QVKernels", "QVKernelsMath", "QVText", "QVCompiler", "COpenBLAS"], path: "Sources/7-Trainer/QVTrainer",
                swiftSettings: [.unsafeFlags([releaseOptimization, "-wmo"], .when(configuration: .release))]),
        // The host layer that also builds for boards: the host C (file mapping, standard error,
        // clock, memory size, the thread pool) and, over it, arguments, one-line errors, JSON,
        // mapped files, text input, the kernel path QV_ISA names, the pool as the parallel-for.
        .target(name: "CQVHost", path: "Sources/8-CommandLine/CQVHost", linkerSettings: [.linkedLibrary("pthread")]),
        .target(name: "QVHost", dependencies: ["CQVHost", "QVKernels", "QVRuntime"], path: "Sources/8-CommandLine/QVHost", swiftSettings: coreSwiftSettings),
        // The C API (include/qv.h) over the runtime and tokenizer, Embedded-clean like them; built as libqv.a.
        .target(name: "QVCAPI", dependencies: ["QVHost", "QVRuntime", "QVText", "QVFormat"], path: "Sources/8-CommandLine/QVCAPI",
                swiftSettings: coreSwiftSettings),
        // The host-only rest: atomic files, progress, loaded models.
        .target(name: "QVCommandLine", dependencies: ["QVHost", "QVFormat", "QVKernels", "QVRuntime", "QVText"], path: "Sources/8-CommandLine/QVCommandLine"),
        // qvrun's command, written on the C API (include/qv.h as the module CQV): the x86-64
        // executable and the ARM64 board binary (tools/build-arm64.sh) are both this.
        .systemLibrary(name: "CQV", path: "Sources/8-CommandLine/CQV"),
        .target(name: "QVRun", dependencies: ["CQV", "QVCAPI", "QVHost", "QVRuntime"], path: "Sources/8-CommandLine/QVRun", swiftSettings: coreSwiftSettings),
        .executableTarget(name: "qvc", dependencies: ["QVCompiler", "QVTrainer", "QVText", "QVCommandLine", "COpenBLAS", "CQVBenchCeilings", "QVBenchCeilings"], path: "Sources/8-CommandLine/qvc"),
        .executableTarget(name: "qvrun", dependencies: ["QVRun"], path: "Sources/8-CommandLine/qvrun"),
        // Fuzzing (tools/fuzz.sh, Tests/): structure-aware .qvb mutation and the harnesses, and
        // the probe that runs each mutant in a child process.
        .target(name: "QVFuzzing", dependencies: ["QVFormat", "QVRuntime", "QVText", "QVCompiler", "QVTrainer"], path: "Sources/Fuzz/QVFuzzing"),
        .executableTarget(name: "qv-fuzz", dependencies: ["QVFuzzing", "QVCommandLine"], path: "Sources/Fuzz/qv-fuzz"),
        // Kernel digests for comparing paths and machines (tools/arm64-check.sh).
        .executableTarget(name: "qv-digests", dependencies: ["QVKernelsMath", "QVKernels", "QVRuntime", "QVText", "QVFormat"], path: "tools/arm64/digests",
                          exclude: ["EmbeddedEntry.swift"], swiftSettings: coreSwiftSettings),

        .testTarget(name: "QVQuantTests", dependencies: ["QVQuant"]),
        .testTarget(name: "QVFormatTests", dependencies: ["QVFormat", "QVQuant", "QVKernels"]),
        // Test support: counts the calling thread's heap allocations (interposed malloc & co).
        .target(name: "CAllocationCounter", path: "Tests/CAllocationCounter"),
        .testTarget(name: "QVKernelsTests", dependencies: ["QVKernels", "QVKernelsMath", "CAllocationCounter"]),
        .testTarget(name: "QVRuntimeTests", dependencies: ["QVRuntime", "QVFormat", "QVKernels", "CAllocationCounter"]),
        .testTarget(name: "QVTextTests", dependencies: ["QVText", "QVRuntime", "QVFormat", "QVKernels"]),
        .testTarget(name: "QVCompilerTests", dependencies: ["QVCompiler", "QVRuntime", "QVText", "QVFormat", "CAllocationCounter"]),
        .testTarget(name: "QVTrainerTests", dependencies: ["QVTrainer", "QVQuant", "QVCompiler", "QVRuntime", "QVText", "QVFormat", "QVCommandLine", "QVKernels"]),
        .testTarget(name: "QVCAPITests", dependencies: ["QVCAPI"]),
        .testTarget(name: "QVFuzzingTests", dependencies: ["QVFuzzing", "QVFormat", "QVRuntime", "QVCompiler", "QVTrainer"]),
        .testTarget(name: "QVCommandLineTests", dependencies: ["QVCommandLine", "QVBenchCeilings", "QVKernels", "QVFormat"]),
    ],
    cLanguageStandard: .c11,
    cxxLanguageStandard: .cxx17
) }

let package = embedded ? embeddedPackage() : hostPackage()
