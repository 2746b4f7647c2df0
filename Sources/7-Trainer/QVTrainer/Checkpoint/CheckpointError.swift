/// A checkpoint that cannot be read or does not fit, as one line: what, where, what to do.
public struct CheckpointError: Error, CustomStringConvertible, Equatable {
    /// One-line explanation.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
