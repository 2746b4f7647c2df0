import Testing
@testable import QVTrainer

@Suite("Classification metrics")
struct ClassificationMetricsTests {
    /// Three classes, six texts; worked by hand (and matches scikit-learn's f1_score).
    let metrics = ClassificationMetrics(labelNames: ["a", "b", "c"], truth: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2])

    @Test func confusionAndAccuracy() {
        #expect(metrics.confusion == [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        #expect(metrics.count == 6)
        #expect(metrics.correct == 4)
        #expect(metrics.accuracy == 4.0 / 6.0)
        #expect(metrics.support == [3, 2, 1])
        #expect(metrics.predictedCounts == [2, 2, 2])
    }

    @Test func precisionRecallF1() {
        #expect(metrics.precision == [1, 0.5, 0.5])
        #expect(metrics.recall == [2.0 / 3.0, 0.5, 1])
        #expect(metrics.f1 == [0.8, 0.5, 2.0 / 3.0])
        #expect(abs(metrics.macroF1 - (0.8 + 0.5 + 2.0 / 3.0) / 3) < 1e-12)
    }

    @Test func classAbsentFromTruthAndPredictionsIsLeftOutOfMacroF1() {
        let four = ClassificationMetrics(labelNames: ["a", "b", "c", "d"], truth: [0, 0, 0, 1, 1, 2], predicted: [0, 0, 1, 1, 2, 2])
        #expect(four.macroF1 == metrics.macroF1)
        let predictedOnly = ClassificationMetrics(labelNames: ["a", "b"], truth: [0, 0], predicted: [0, 1])
        #expect(predictedOnly.f1 == [2.0 / 3.0, 0])
        #expect(predictedOnly.macroF1 == 1.0 / 3.0, "a class only predicted counts, with F1 0")
    }

    @Test func noTexts() {
        let empty = ClassificationMetrics(labelNames: ["a", "b"], truth: [], predicted: [])
        #expect(empty.accuracy == 0 && empty.macroF1 == 0)
    }
}
