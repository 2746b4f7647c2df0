/// A labelled-text file that cannot be used, as one line: what is wrong, where, what to do.
public struct DataError: Error, CustomStringConvertible, Equatable {
    /// One-line explanation.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }

    /// The error for a file with no rows at all.
    static func emptyFile(_ path: String) -> DataError {
        DataError("\(path): the file is empty; give a header row (JSON: objects) naming the text and label columns, then one row per text")
    }
}
