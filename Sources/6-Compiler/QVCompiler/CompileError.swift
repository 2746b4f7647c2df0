/// An error from importing or compiling a model: what, where, and what to do.
public struct CompileError: Error, CustomStringConvertible {
    /// One-line explanation.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}
