/// A `.qvb` file could not be read or written. `message` says what is wrong, where (section,
/// tensor or op name, byte offset when known) and what to do about it.
public struct QVBError: Error, Equatable, CustomStringConvertible {
    /// What kind of failure this is, for code that reacts differently to each.
    public enum Kind: Equatable, Sendable {
        /// Not a `.qvb` file at all: too small to hold a header, or the wrong file identifier.
        case notQVB
        /// The file is shorter than its header says: an incomplete copy or download.
        case truncated
        /// Damaged contents: the FlatBuffers verifier, a checksum or a consistency check failed.
        case corrupt
        /// Written in a format version this build of qv does not read.
        case unsupportedVersion
        /// A zstd section could not be compressed or decompressed to its recorded size.
        case compression
        /// The writer was given a model it cannot store (checked before any byte is written).
        case invalidModel
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// Human-readable explanation: what, where, and what to do.
    public let message: String

    /// Creates an error of `kind` explained by `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
