import QVFormat
import QVRuntime

/// The C API's `qv_status` codes (include/qv.h), and the error of a failed call as a code and a
/// one-line message.
struct APIError: Error {
    /// `qv_status` values.
    enum Status: Int32 {
        case ok = 0, argument, io, file, input, memory, unsupported
    }

    let status: Status
    let message: String

    init(_ status: Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// A file the reader refused.
    init(_ error: QVBError) { self.init(.file, error.message) }

    /// A refusal of the runtime: a graph it cannot run, an input that does not fit, a budget.
    init(_ error: RuntimeError) {
        switch error.kind {
        case .invalidGraph: self.init(.file, error.message)
        case .invalidInput: self.init(.input, error.message)
        case .memoryBudget: self.init(.memory, error.message)
        }
    }
}

/// Copies `message` into the caller's `buffer` of `size` bytes, cut at a character boundary and
/// NUL-terminated (nothing when the buffer is NULL or empty).
func write(_ message: String, to buffer: UnsafeMutablePointer<CChar>?, size: Int) {
    guard let buffer, size > 0 else { return }
    let utf8 = Array(message.utf8)
    var end = min(utf8.count, size - 1)
    // A cut inside a character backs up to the character's first byte.
    while end < utf8.count, end > 0, utf8[end] & 0xC0 == 0x80 { end -= 1 }
    for i in 0..<end { buffer[i] = CChar(bitPattern: utf8[i]) }
    buffer[end] = 0
}
