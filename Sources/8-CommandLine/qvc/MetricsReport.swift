import Foundation
import QVCommandLine
import QVTrainer

/// `metrics` for a person: accuracy and macro-F1, per-class precision, recall, F1 and support,
/// and the confusion matrix (rows: true label, columns: predicted).
func metricsTable(_ metrics: ClassificationMetrics) -> String {
    let names = metrics.labelNames
    let width = max(10, (names.map(\.count).max() ?? 0) + 2)
    func cell(_ s: String) -> String { s.leftPadded(width) }
    func name(_ s: String) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
    func fixed(_ x: Double) -> String { String(format: "%.3f", x) }
    let (precision, recall, f1, support) = (metrics.precision, metrics.recall, metrics.f1, metrics.support)
    var lines = [String(format: "accuracy %.2f %% (%d of %d)   macro-F1 %.2f %%", 100 * metrics.accuracy, metrics.correct, metrics.count, 100 * metrics.macroF1),
                 "", name("") + ["precision", "recall", "F1", "support"].map(cell).joined()]
    for k in names.indices {
        lines.append(name(names[k]) + [fixed(precision[k]), fixed(recall[k]), fixed(f1[k]), String(support[k])].map(cell).joined())
    }
    lines += ["", "confusion (rows: true label, columns: predicted):", name("") + names.map(cell).joined()]
    for (k, row) in metrics.confusion.enumerated() { lines.append(name(names[k]) + row.map { cell(String($0)) }.joined()) }
    return lines.joined(separator: "\n")
}

/// `metrics` as JSON fields: accuracy, macro_f1, labels, per_class, confusion.
func metricsJSON(_ metrics: ClassificationMetrics) -> [(String, JSONValue)] {
    let (precision, recall, f1, support) = (metrics.precision, metrics.recall, metrics.f1, metrics.support)
    let perClass: [JSONValue] = metrics.labelNames.indices.map { k in
        .object([("label", .string(metrics.labelNames[k])), ("precision", .double(precision[k])), ("recall", .double(recall[k])),
                 ("f1", .double(f1[k])), ("support", .int(support[k]))])
    }
    return [("texts", .int(metrics.count)), ("correct", .int(metrics.correct)), ("accuracy", .double(metrics.accuracy)),
            ("macro_f1", .double(metrics.macroF1)), ("labels", .array(metrics.labelNames.map { .string($0) })),
            ("per_class", .array(perClass)), ("confusion", .array(metrics.confusion.map { .array($0.map { .int($0) }) }))]
}
