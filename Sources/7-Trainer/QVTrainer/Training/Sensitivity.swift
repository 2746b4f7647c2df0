/// The paper's module-wise variation on the user's own model: the accuracy a trained FP32
/// classifier keeps when only one kind of module is quantized (post-training, every quantizer
/// set from a calibration batch by the compiler's rule), module by module and layer by layer —
/// which modules low-bit training has to look after.
public struct Sensitivity {
    /// One measured configuration.
    public struct Row: Sendable {
        /// What was quantized.
        public let module: String
        /// Plan labels quantized.
        public let points: Int
        /// Accuracy on the data with only those points quantized.
        public let accuracy: Double
    }

    /// The module kinds of a BERT layer: name and the plan labels (after `encoder.layer.N.`)
    /// each quantizes — a linear layer with its input, the attention operands, the probabilities.
    public static let modules: [(name: String, labels: [String])] = [
        ("q/k/v projections", ["input", "attention.self.query.weight", "attention.self.key.weight", "attention.self.value.weight"]),
        ("q/k/v outputs (attention operands)", ["attention.self.query.out", "attention.self.key.out", "attention.self.value.out"]),
        ("attention probabilities", ["attention.self.probs"]),
        ("attention output dense", ["attention.context", "attention.output.dense.weight"]),
        ("fc1 (intermediate)", ["attention.output.normed", "intermediate.dense.weight"]),
        ("fc2 (output)", ["intermediate.gelu", "output.dense.weight"]),
    ]

    /// Measures `quantized` (an FP32 model's weights under a recipe at the bits to study) on
    /// `examples`: FP32, each module kind in every layer, each layer whole, the 8-bit embeddings
    /// and head, and everything. `calibration` sets each configuration's quantizers first;
    /// `progress` hears each row as it is measured.
    public static func measure(_ quantized: BertClassifier, examples: [TrainingExample], calibration: [TrainingExample],
                               batchSize: Int = 32, progress: (Row) -> Void = { _ in }) -> [Row] {
        let layers = quantized.layers.map(\.prefix)
        var configurations: [(String, Set<String>)] = [("none (FP32)", [])]
        for m in modules { configurations.append((m.name + ", every layer", Set(layers.flatMap { l in m.labels.map { l + $0 } }))) }
        for (n, l) in layers.enumerated() { configurations.append(("layer \(n), every module", Set(modules.flatMap { $0.labels.map { l + $0 } }))) }
        configurations.append(("embeddings (8-bit)", ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                                                      "embeddings.token_type_embeddings.weight"]))
        configurations.append(("head (8-bit)", ["pooled", "pooler.output", "pooler.dense.weight", "classifier.weight"]))
        configurations.append(("everything", Set(quantized.activationPoints.keys).union(quantized.weightPoints.keys)))
        var rows: [Row] = []
        for (name, labels) in configurations {
            quantized.onlyQuantizing = labels
            if !calibration.isEmpty {
                let batch = Batch(sequences: calibration.map(\.ids), labels: calibration.map(\.label), examples: Array(calibration.indices),
                                  padId: Int32(quantized.tokenizer.padId))
                var rng = SplitMix64(seed: 0)
                _ = quantized.forward(batch, tape: Tape(recording: false), rng: &rng)
            }
            let predicted = Evaluation.predict(quantized, examples, batchSize: batchSize)
            let correct = zip(predicted, examples).filter { $0 == $1.label }.count
            let row = Row(module: name, points: labels.count, accuracy: examples.isEmpty ? 0 : Double(correct) / Double(examples.count))
            rows.append(row)
            progress(row)
        }
        quantized.onlyQuantizing = nil
        return rows
    }
}
