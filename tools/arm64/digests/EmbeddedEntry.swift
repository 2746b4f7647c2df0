import QVKernels

/// Embedded-Swift entry of the digest driver, called by the C harness (tools/arm64/main.c) with
/// a kernel path name; prints one `name digest` line per kernel. Returns 0, or 2 for a path this
/// CPU cannot run.
@_cdecl("qv_digests_main")
public func digestsMain(_ pathName: UnsafePointer<CChar>) -> Int32 {
    let name = String(cString: pathName)
    guard let path = KernelPath(supportedName: name) else {
        print("qv-digests: kernel path '\(name)' is unknown or not supported by this CPU")
        return 2
    }
    for line in kernelDigestLines(path: path) { print(line) }
    return 0
}
