/// Train, validation and test parts of labelled texts, split by unique text so that copies of
/// a text (retweets, exact duplicates) never fall in two parts.
///
/// How: texts are grouped by exact match (their UTF-8 bytes; texts are already trimmed); each
/// group keeps one copy, labelled with the group's most frequent label (a tie goes to the label
/// first in `labelNames`). The unique texts, in ascending UTF-8 byte order — so the split
/// depends on the set of texts and not on the rows' order — are shuffled by Fisher–Yates with
/// `SplitMix64(seed: seed)`; the first round(n·test) form the test part, the next
/// round(n·validation) the validation part, the rest the training part. The same texts, seed
/// and fractions give the same parts on every machine, and the test part does not depend on
/// the validation fraction.
public struct DataSplit: Sendable {
    /// Texts to train on.
    public var train: LabelledTexts
    /// Texts for model selection.
    public var validation: LabelledTexts
    /// Held-out texts.
    public var test: LabelledTexts
    /// Rows dropped as copies of an earlier text.
    public var duplicateRows: Int
    /// Unique texts whose copies carry more than one label.
    public var conflictingTexts: Int

    /// Splits `data` with `seed`, holding out fractions `validation` and `test` of the unique texts.
    public init(_ data: LabelledTexts, seed: UInt64, validation: Double = 0.1, test: Double = 0.1) throws(DataError) {
        guard validation >= 0, test >= 0, validation + test <= 1 else {
            throw DataError("split fractions validation \(validation) and test \(test) must be at least 0 and add up to at most 1")
        }
        let (unique, conflicts) = Self.uniqueTexts(data)
        var order = Array(unique.indices)
        var random = SplitMix64(seed: seed)
        for i in order.indices.reversed() where i > 0 { order.swapAt(i, Int(random.below(UInt64(i + 1)))) }
        let n = unique.count
        let testCount = Int((Double(n) * test).rounded()), validationCount = min(Int((Double(n) * validation).rounded()), n - testCount)
        func part(_ range: Range<Int>) -> LabelledTexts {
            LabelledTexts(texts: range.map { unique[order[$0]].text }, labels: range.map { unique[order[$0]].label }, labelNames: data.labelNames)
        }
        self.test = part(0..<testCount)
        self.validation = part(testCount..<testCount + validationCount)
        self.train = part(testCount + validationCount..<n)
        duplicateRows = data.count - n
        conflictingTexts = conflicts
    }

    /// One copy of each distinct text with its majority label, in ascending UTF-8 byte order,
    /// and how many texts had conflicting labels.
    static func uniqueTexts(_ data: LabelledTexts) -> (texts: [(text: String, label: Int)], conflicts: Int) {
        var groupOf: [[UInt8]: Int] = [:]
        var groups: [(key: [UInt8], text: String, votes: [Int])] = []
        for (text, label) in zip(data.texts, data.labels) {
            let key = Array(text.utf8)
            let g = groupOf[key] ?? {
                groups.append((key, text, [Int](repeating: 0, count: data.labelNames.count)))
                groupOf[key] = groups.count - 1
                return groups.count - 1
            }()
            groups[g].votes[label] += 1
        }
        groups.sort { $0.key.lexicographicallyPrecedes($1.key) }
        let texts = groups.map { g in (g.text, g.votes.indices.max { (g.votes[$0], $1) < (g.votes[$1], $0) }!) }
        return (texts, groups.count { g in g.votes.count { $0 > 0 } > 1 })
    }
}

extension SplitMix64 {
    /// A uniform integer in 0..<bound (Lemire's multiply-and-reject, so no bias).
    mutating func below(_ bound: UInt64) -> UInt64 {
        precondition(bound > 0, "below: bound must be positive")
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }
}
