/// Predictions of the trainer's own forward pass (no tape), in batches of similar lengths.
public enum Evaluation {
    /// Logits `[examples.count][classes]` of `model`.
    public static func logits(_ model: BertClassifier, _ examples: [TrainingExample], batchSize: Int) -> [[Float]] {
        var out = [[Float]](repeating: [], count: examples.count)
        let order = examples.indices.sorted { (examples[$0].ids.count, $0) < (examples[$1].ids.count, $1) }
        let classes = model.labels.count
        for start in stride(from: 0, to: order.count, by: max(batchSize, 1)) {
            let idx = Array(order[start..<min(start + batchSize, order.count)])
            let batch = Batch(sequences: idx.map { examples[$0].ids }, labels: idx.map { examples[$0].label }, examples: idx,
                              padId: Int32(model.tokenizer.padId))
            var rng = SplitMix64(seed: 0)
            let y = model.forward(batch, tape: Tape(recording: false), rng: &rng).logits.value
            for (b, i) in idx.enumerated() { out[i] = Array(y[(b * classes)..<((b + 1) * classes)]) }
        }
        return out
    }

    /// The predicted class of each example.
    public static func predict(_ model: BertClassifier, _ examples: [TrainingExample], batchSize: Int) -> [Int] {
        logits(model, examples, batchSize: batchSize).map(argmax)
    }

    /// Position of the largest value (the first of equals) — the predicted class of logits.
    public static func argmax<Values: Collection<Float>>(_ v: Values) -> Int {
        var best = v.startIndex
        for i in v.indices where v[i] > v[best] { best = i }
        return v.distance(from: v.startIndex, to: best)
    }
}
