import Glibc

/// Progress for long work, on standard error, rewritten in place — only when standard error is
/// a terminal, so that logs and scripts see nothing but the result or one error line.
public struct ProgressLine {
    private let isTerminal = isatty(2) != 0
    private let program: String

    /// Progress lines prefixed with `program`.
    public init(program: String) { self.program = program }

    /// Shows `message`.
    public func update(_ message: String) {
        if isTerminal { writeStandardError("\r\u{1B}[K\(program): \(message)") }
    }

    /// Ends an in-place line.
    public func finish() { if isTerminal { writeStandardError("\r\u{1B}[K") } }
}
