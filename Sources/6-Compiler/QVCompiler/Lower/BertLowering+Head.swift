import QVFormat

extension BertLowering {
    /// The configuration the file records, as the graph computes: an embedder's as given (no
    /// labels); a classifier's with its labels, CLS pooling when it has a pooler, no normalization.
    var recordedConfig: QVB.BertConfig {
        var config = checkpoint.config
        config.labels = checkpoint.head?.labels ?? []
        if let head = checkpoint.head {
            config.normalize = false
            if head.pooler != nil { config.pooling = "cls" }
        }
        return config
    }

    /// The classification head on the last hidden states `h`, as Hugging Face's
    /// `BertForSequenceClassification` computes it: with a pooler, the CLS row through its dense
    /// layer and tanh; without, the checkpoint's pooling (no normalization); then the classifier,
    /// writing the FP32 logits `[1, classes]`. The kit quantizes the pooler's and the
    /// classifier's inputs and weights at the preset's head formats (the rows `pooled`,
    /// `pooler.dense.weight`, `pooler.output`, `classifier.weight`).
    func classifier(_ kit: QuantizedGraphBuilder, _ head: BertCheckpoint.ClassifierHead, input h: Int,
                    mask: Int) throws(CompileError) -> QVB.Port {
        try check(head)
        let pooled = pool(kit.graph, head.pooler == nil ? checkpoint.config.pooling : "cls", input: h, mask: mask)
        var features = try kit.quantize(pooled, label: "pooled", role: .headActivations)
        if let pooler = head.pooler {
            let out = try kit.linear("pooler.dense", .init(pooler), input: features, output: "pooler.output", activation: .tanh,
                                     weights: .head)
            features = try kit.quantize(out, label: "pooler.output", role: .headActivations)
        }
        let logits = try kit.linear("classifier", .init(head.classifier), input: features, output: "logits", weights: .head)
        return QVB.Port(name: "logits", value: logits, role: .logits)
    }

    /// Throws unless `head` fits the encoder: a `[hidden, hidden]` pooler, a `[classes, hidden]`
    /// classifier with one bias and one label per class.
    private func check(_ head: BertCheckpoint.ClassifierHead) throws(CompileError) {
        func fits(_ lin: BertCheckpoint.Linear, out: Int) -> Bool {
            lin.outFeatures == out && lin.inFeatures == hidden && lin.weight.count == out * hidden && lin.bias.count == out
        }
        let classes = head.classifier.outFeatures
        guard classes > 0, fits(head.classifier, out: classes) else {
            throw CompileError("\(checkpoint.source): the classifier must be \(classes) × \(hidden) weights and \(classes) biases")
        }
        guard head.labels.count == classes else {
            throw CompileError("\(checkpoint.source): the head has \(head.labels.count) labels for \(classes) classes; give one per class")
        }
        if let pooler = head.pooler, !fits(pooler, out: hidden) {
            throw CompileError("\(checkpoint.source): the pooler must be \(hidden) × \(hidden) weights and \(hidden) biases")
        }
    }
}
