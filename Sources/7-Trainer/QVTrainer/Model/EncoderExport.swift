import QVCompiler

/// The trained weights in the compiler's terms.
extension BertClassifier {
    /// The encoder's latent weights as a `BertCheckpoint` (no head).
    public var encoderCheckpoint: BertCheckpoint {
        func linear(_ l: LinearParameters) -> BertCheckpoint.Linear {
            BertCheckpoint.Linear(weight: l.weight.value, bias: l.bias.value, outFeatures: l.outFeatures, inFeatures: l.inFeatures)
        }
        func norm(_ n: NormParameters) -> BertCheckpoint.Norm { BertCheckpoint.Norm(gamma: n.gamma.value, beta: n.beta.value) }
        let list = layers.map {
            BertCheckpoint.Layer(query: linear($0.query), key: linear($0.key), value: linear($0.value), attentionOutput: linear($0.attentionOutput),
                                 attentionNorm: norm($0.attentionNorm), intermediate: linear($0.intermediate), output: linear($0.output),
                                 outputNorm: norm($0.outputNorm))
        }
        return BertCheckpoint(config: config, tokenizer: tokenizer, wordEmbeddings: wordEmbeddings.value, positionEmbeddings: positionEmbeddings.value,
                              tokenTypeEmbeddings: tokenTypeEmbeddings.value, embeddingNorm: norm(embeddingNorm), layers: list, source: source)
    }

    /// The head's weights and labels.
    public var head: Head {
        func linear(_ l: LinearParameters) -> BertCheckpoint.Linear {
            BertCheckpoint.Linear(weight: l.weight.value, bias: l.bias.value, outFeatures: l.outFeatures, inFeatures: l.inFeatures)
        }
        return (pooler.map(linear), linear(classifier), labels)
    }
}
