import QVKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Host entry of the digest driver: `qv-digests <path>` prints one `name digest` line per kernel
// run on kernel path <path> (default: the best this CPU has). See tools/arm64-check.sh.
let name = CommandLine.arguments.dropFirst().first ?? KernelPath.best.rawValue
guard let path = KernelPath(supportedName: name) else {
    let names = KernelPath.supported.map { $0.rawValue }.joined(separator: ", ")
    print("qv-digests: kernel path '\(name)' is unknown or not supported by this CPU; use one of: \(names)")
    exit(2)
}
for line in kernelDigestLines(path: path) { print(line) }
