/// Calls a C function that reports a failure as a one-line message in a buffer the caller
/// provides (`body(buffer, size)`), and returns its result with that message (empty when it
/// wrote none). The buffer holds a path of PATH_MAX bytes and the reason around it.
public func withMessageBuffer<Result>(_ body: (UnsafeMutablePointer<CChar>, Int) -> Result) -> (result: Result, message: String) {
    var buffer = [CChar](repeating: 0, count: 4200)
    let result = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    return (result, buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
}
