/// How well predicted classes match true ones: the confusion matrix and what follows from it —
/// accuracy, per-class precision, recall and F1, and macro-F1. `qvc eval` and the trainer's own
/// validation report these same numbers.
public struct ClassificationMetrics: Sendable, Equatable {
    /// The class names, by class index.
    public let labelNames: [String]
    /// `confusion[t][p]`: texts of true class t predicted as class p.
    public let confusion: [[Int]]

    /// The metrics of `predicted` against `truth` (class indices into `labelNames`, one per text).
    public init(labelNames: [String], truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "ClassificationMetrics: \(truth.count) true classes for \(predicted.count) predictions")
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labelNames.count), count: labelNames.count)
        for (t, p) in zip(truth, predicted) { confusion[t][p] += 1 }
        self.labelNames = labelNames
        self.confusion = confusion
    }

    /// Number of texts.
    public var count: Int { confusion.joined().reduce(0, +) }

    /// Texts predicted correctly.
    public var correct: Int { confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }

    /// Share of texts predicted correctly (0 when there are none).
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }

    /// Texts of each true class (row sums).
    public var support: [Int] { confusion.map { $0.reduce(0, +) } }

    /// Texts predicted as each class (column sums).
    public var predictedCounts: [Int] { confusion.indices.map { p in confusion.reduce(0) { $0 + $1[p] } } }

    /// Per class: correct predictions of it over all predictions of it (0 when never predicted).
    public var precision: [Double] { confusion.indices.map { ratio(confusion[$0][$0], predictedCounts[$0]) } }

    /// Per class: its texts predicted correctly over its texts (0 when it has none).
    public var recall: [Double] { confusion.indices.map { ratio(confusion[$0][$0], support[$0]) } }

    /// Per class: 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall (0 when
    /// both are 0).
    public var f1: [Double] {
        let predicted = predictedCounts, support = support
        return confusion.indices.map { ratio(2 * confusion[$0][$0], predicted[$0] + support[$0]) }
    }

    /// Mean F1 over the classes that occur in the truth or the predictions (as scikit-learn's
    /// `f1_score(average="macro")`): a class the data never mentions does not count.
    public var macroF1: Double {
        let predicted = predictedCounts, support = support, f1 = f1
        let present = confusion.indices.filter { predicted[$0] + support[$0] > 0 }
        return present.isEmpty ? 0 : present.reduce(0) { $0 + f1[$1] } / Double(present.count)
    }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
