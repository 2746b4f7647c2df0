import COpenBLAS
import Glibc
import QVCommandLine
import QVKernels

/// OpenBLAS as the FP32 yardstick: which kernels it runs, on how many threads, and an
/// environment that matches the kernel path being measured.
enum OpenBLASSetup {
    /// Variables that pin OpenBLAS to another kernel set or cache size (`OPENBLAS_CORETYPE=Haswell`
    /// and `OPENBLAS_L2_SIZE` halve `sgemm` on an AVX-512 CPU).
    static let overrides = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]
    /// Set in the re-executed process to what was changed, e.g. `without OPENBLAS_L2_SIZE=512`.
    static let changedMarker = "QV_BENCH_CHANGED_OPENBLAS_ENV"

    /// The environment that makes OpenBLAS the right yardstick for `path`: its AVX2 (Haswell)
    /// kernels when qv's AVX2 path runs on a CPU with more (`QV_ISA=avx2` on AVX-512), so both
    /// sides use 256-bit vectors; otherwise no override, so OpenBLAS picks its best.
    static func wanted(for path: KernelPath) -> [String: String] {
        path == .avx2 && KernelPath.avx512.isSupported ? ["OPENBLAS_CORETYPE": "Haswell"] : [:]
    }

    /// OpenBLAS reads its environment when the library loads, before `main`: if the overrides
    /// differ from `wanted(for: path)`, runs this same program again (same arguments) with the
    /// wanted ones. Returns only when they match.
    static func reexecMatching(_ path: KernelPath) throws(CommandLineError) {
        let wanted = wanted(for: path)
        var changes: [String] = []
        for name in overrides {
            let current = getenv(name).map { String(cString: $0) }
            guard current != wanted[name] else { continue }
            if let value = wanted[name] {
                setenv(name, value, 1)
                changes.append("with \(name)=\(value) (qv's \(path.rawValue) path against OpenBLAS's 256-bit kernels)")
            } else {
                unsetenv(name)
                changes.append("without \(name)=\(current ?? "")")
            }
        }
        guard !changes.isEmpty else { return }
        setenv(changedMarker, changes.joined(separator: ", "), 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        throw CommandLineError("could not re-run qvc \(changes.joined(separator: ", ")) (errno \(errno)); set them so and run again")
    }

    /// What this process was re-executed with or without, if anything.
    static var changed: String? { getenv(changedMarker).map { String(cString: $0) } }

    /// Runs `cblas_sgemm` on `threads` threads.
    static func useThreads(_ threads: Int) { openblas_set_num_threads(Int32(threads)) }

    /// The kernel set OpenBLAS chose, e.g. `SkylakeX` or `Zen`.
    static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }
    /// OpenBLAS's build configuration line, single-spaced.
    static var config: String {
        (openblas_get_config().map { String(cString: $0) } ?? "unknown").split(separator: " ").joined(separator: " ")
    }
    /// Threads `cblas_sgemm` uses.
    static var threads: Int { Int(openblas_get_num_threads()) }
}
