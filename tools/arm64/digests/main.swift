import QVKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Host entry of the digest driver: `qv-digests <path> [MODEL.qvb]` prints one `name digest` line
// per kernel run on kernel path <path> or, given a model, the digests of one whole-model run.
// See tools/arm64-check.sh; tools/arm64/main.c is the ARM64 twin of this file.
let arguments = Array(CommandLine.arguments.dropFirst())
let name = arguments.first ?? KernelPath.best.rawValue
guard let path = KernelPath(supportedName: name) else {
    let names = KernelPath.supported.map { $0.rawValue }.joined(separator: ", ")
    print("qv-digests: kernel path '\(name)' is unknown or not supported by this CPU; use one of: \(names)")
    exit(2)
}
if arguments.count > 1 {
    guard let bytes = readWholeFile(arguments[1]) else {
        print("qv-digests: cannot read '\(arguments[1])'; give the path of a .qvb made by `qvc compile`")
        exit(1)
    }
    defer { bytes.deallocate() }
    for line in modelDigestLines(bytes: UnsafeRawBufferPointer(bytes), path: path) { print(line) }
} else {
    for line in kernelDigestLines(path: path) { print(line) }
}

/// The bytes of the file at `path` in 64-byte aligned memory, or nil if it cannot be read.
func readWholeFile(_ path: String) -> UnsafeMutableRawBufferPointer? {
    guard let stream = fopen(path, "rb") else { return nil }
    defer { fclose(stream) }
    guard fseek(stream, 0, SEEK_END) == 0 else { return nil }
    let size = ftell(stream)
    guard size >= 0, fseek(stream, 0, SEEK_SET) == 0 else { return nil }
    let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, size), alignment: 64)
    guard fread(bytes.baseAddress, 1, size, stream) == size else { bytes.deallocate(); return nil }
    return UnsafeMutableRawBufferPointer(rebasing: bytes[0..<size])
}
