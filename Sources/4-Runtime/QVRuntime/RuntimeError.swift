/// An error from loading or running a model: what went wrong, where, and what to do.
public struct RuntimeError: Error, CustomStringConvertible {
    /// Broad class of the failure, for callers that react differently.
    public enum Kind: Sendable {
        /// The graph in the file is not one this runtime can run (unknown op, shapes that don't fit).
        case invalidGraph
        /// The input does not fit the model (too many tokens, id out of range).
        case invalidInput
        /// Running the model would take more memory than the host allows.
        case memoryBudget
    }

    /// Broad class of the failure.
    public let kind: Kind
    /// One-line human-readable explanation.
    public let message: String

    /// Creates an error of `kind` with `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }

    static func graph(_ op: String, _ what: String) -> RuntimeError {
        RuntimeError(.invalidGraph, "op '\(op)': \(what); the file does not describe a graph this qvrun can run — recompile it with a matching qvc")
    }
}
