import CQVHost
import QVKernels

/// The kernel path to run: `QV_ISA` (scalar, portable, avx2, avx512, neon) if set, else the
/// fastest this CPU supports. An unknown or unsupported `QV_ISA` is an error that lists what would work.
public func selectedKernelPath() throws(CommandLineError) -> KernelPath {
    switch KernelPath.requested(by: qv_host_environment("QV_ISA").map { String(cString: $0) }) {
    case .success(let path): return path
    case .failure(let refusal): throw CommandLineError(refusal.message)
    }
}
