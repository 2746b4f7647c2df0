import Glibc
import QVKernels

/// The kernel path to run: `QV_ISA` (scalar, portable, avx2, avx512) if set, else the fastest
/// this CPU supports. An unknown or unsupported `QV_ISA` is an error that lists what would work.
public func selectedKernelPath() throws(CommandLineError) -> KernelPath {
    guard let raw = getenv("QV_ISA") else { return .best }
    let name = String(cString: raw)
    guard let path = KernelPath(supportedName: name) else {
        let names = KernelPath.supported.map(\.rawValue).joined(separator: ", ")
        throw CommandLineError("QV_ISA=\(name) is not a kernel path this CPU runs; use one of: \(names)")
    }
    return path
}
