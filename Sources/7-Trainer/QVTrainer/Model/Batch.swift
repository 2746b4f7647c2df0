/// A padded batch of tokenized texts: each sequence's ids padded to the longest one's length
/// (dynamic padding: a batch costs what its longest text costs, and length bucketing keeps
/// texts of similar lengths together).
public struct Batch: Sendable {
    /// Token ids `[count · length]`, padded with the tokenizer's pad id.
    public let ids: [Int32]
    /// Real tokens of each sequence.
    public let lengths: [Int]
    /// Padded length.
    public let length: Int
    /// Class index of each sequence.
    public let labels: [Int]
    /// Indices of the examples in their data set (for teacher caches and reports).
    public let examples: [Int]

    /// Pads `sequences` to the longest of them.
    public init(sequences: [[Int32]], labels: [Int], examples: [Int], padId: Int32) {
        precondition(sequences.count == labels.count && !sequences.isEmpty, "Batch: one label per sequence")
        let length = sequences.map(\.count).max()!
        var ids = [Int32](repeating: padId, count: sequences.count * length)
        for (b, s) in sequences.enumerated() { for (t, id) in s.enumerated() { ids[b * length + t] = id } }
        self.ids = ids
        self.lengths = sequences.map(\.count)
        self.length = length
        self.labels = labels
        self.examples = examples
    }

    /// Sequences in the batch.
    public var count: Int { lengths.count }
}
