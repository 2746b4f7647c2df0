import QVKernels

/// Embedded-Swift entry of the digest driver, called by the C harness (tools/arm64/main.c) with a
/// kernel path name and, optionally, the bytes of a `.qvb` (`modelBytes` nil: the kernel digests;
/// else the model digests). Prints one `name digest` line each; returns 0, or 2 for a path this
/// CPU cannot run.
@_cdecl("qv_digests_main")
public func digestsMain(_ pathName: UnsafePointer<CChar>, _ modelBytes: UnsafeRawPointer?, _ modelByteCount: Int) -> Int32 {
    let name = String(cString: pathName)
    guard let path = KernelPath(supportedName: name) else {
        print("qv-digests: kernel path '\(name)' is unknown or not supported by this CPU")
        return 2
    }
    let lines = modelBytes.map { modelDigestLines(bytes: UnsafeRawBufferPointer(start: $0, count: modelByteCount), path: path) }
        ?? kernelDigestLines(path: path)
    for line in lines { print(line) }
    return 0
}
