import QVCompiler

/// The trained weights in the compiler's terms.
extension BertClassifier {
    /// The encoder's latent weights as a `BertCheckpoint` (no head).
    public var encoderCheckpoint: BertCheckpoint {
        let linear = \LinearParameters.checkpointLinear
        func norm(_ n: NormParameters) -> BertCheckpoint.Norm { BertCheckpoint.Norm(gamma: n.gamma.value, beta: n.beta.value) }
        let list = layers.map {
            BertCheckpoint.Layer(query: $0.query[keyPath: linear], key: $0.key[keyPath: linear], value: $0.value[keyPath: linear],
                                 attentionOutput: $0.attentionOutput[keyPath: linear], attentionNorm: norm($0.attentionNorm),
                                 intermediate: $0.intermediate[keyPath: linear], output: $0.output[keyPath: linear],
                                 outputNorm: norm($0.outputNorm))
        }
        return BertCheckpoint(config: config, tokenizer: tokenizer, wordEmbeddings: wordEmbeddings.value, positionEmbeddings: positionEmbeddings.value,
                              tokenTypeEmbeddings: tokenTypeEmbeddings.value, embeddingNorm: norm(embeddingNorm), layers: list, source: source)
    }

    /// The head's weights and labels.
    public var head: Head { (pooler?.checkpointLinear, classifier.checkpointLinear, labels) }

    /// The whole model — encoder and head — in the compiler's terms.
    public var classifierCheckpoint: BertCheckpoint {
        var checkpoint = encoderCheckpoint
        checkpoint.head = BertCheckpoint.ClassifierHead(pooler: pooler?.checkpointLinear, classifier: classifier.checkpointLinear, labels: labels)
        return checkpoint
    }

    /// The `.qvb` image of the network as trained: at the recipe's bits, every quantizer the
    /// trained one (`options.precision` must be those bits; FP32 needs no quantizers).
    public func compiled(options: CompileOptions) throws(CompileError) -> [UInt8] {
        guard options.precision.rawValue == recipe.bits else {
            throw CompileError("the model was trained at \(recipe.bits), not \(options.precision.rawValue)")
        }
        let checkpoint = classifierCheckpoint
        guard options.precision != .fp32 else { return try Compiler.compile(checkpoint, options: options) }
        let plan = try Compiler.quantizationPlan(checkpoint, precision: options.precision).plan
        let scales: TrainedScales
        do { scales = try trainedScales(for: plan) } catch { throw CompileError(error.message) }
        return try Compiler.compile(checkpoint, options: options, plan: plan, source: scales)
    }
}

extension LinearParameters {
    /// The layer's current values in the compiler's terms.
    var checkpointLinear: BertCheckpoint.Linear {
        BertCheckpoint.Linear(weight: weight.value, bias: bias.value, outFeatures: outFeatures, inFeatures: inFeatures)
    }
}
