import CQVHost

/// A failure a command reports as one line on standard error before exiting non-zero.
public struct CommandLineError: Error, CustomStringConvertible {
    /// The line, without the program name.
    public let message: String
    /// Exit status: 2 for usage errors, 1 otherwise.
    public let status: Int32

    /// Creates an error.
    public init(_ message: String, status: Int32 = 1) {
        self.message = message
        self.status = status
    }

    /// A usage error (exit 2).
    public static func usage(_ message: String) -> CommandLineError { CommandLineError(message, status: 2) }

    /// The message.
    public var description: String { message }
}

/// Writes `text` to standard error unbuffered.
public func writeStandardError(_ text: String) { qv_host_write_error(text) }
