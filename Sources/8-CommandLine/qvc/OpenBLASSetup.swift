import COpenBLAS
import Glibc
import QVCommandLine

/// OpenBLAS as the FP32 yardstick: which kernels it runs, on how many threads, and an
/// environment that does not cripple it.
enum OpenBLASSetup {
    /// Variables that pin OpenBLAS to a smaller kernel set or cache size (`OPENBLAS_CORETYPE=Haswell`
    /// and `OPENBLAS_L2_SIZE` halve `sgemm` on an AVX-512 CPU).
    static let overrides = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"]
    /// Set in the re-executed process to the assignments it was started without.
    static let removedMarker = "QV_BENCH_REMOVED_OPENBLAS_ENV"

    /// OpenBLAS reads its environment when the library loads, before `main`: if any override is
    /// set, runs this same program again (same arguments) without them. Returns only when none
    /// is set.
    static func reexecWithoutOverrides() throws(CommandLineError) {
        let set = overrides.compactMap { name in getenv(name).map { "\(name)=\(String(cString: $0))" } }
        guard !set.isEmpty else { return }
        for name in overrides { unsetenv(name) }
        setenv(removedMarker, set.joined(separator: " "), 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        throw CommandLineError("could not re-run qvc without \(set.joined(separator: " ")) (errno \(errno)); unset them and run again")
    }

    /// The overrides this process was re-executed without, e.g. `OPENBLAS_CORETYPE=Haswell`.
    static var removed: String? { getenv(removedMarker).map { String(cString: $0) } }

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
