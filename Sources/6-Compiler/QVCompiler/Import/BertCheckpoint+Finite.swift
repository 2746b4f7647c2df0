extension BertCheckpoint {
    /// Every weight array with its name, in file order.
    var namedWeights: [(name: String, values: [Float])] {
        func linear(_ name: String, _ l: Linear) -> [(String, [Float])] { [(name + ".weight", l.weight), (name + ".bias", l.bias)] }
        func norm(_ name: String, _ n: Norm) -> [(String, [Float])] { [(name + ".weight", n.gamma), (name + ".bias", n.beta)] }
        var all: [(String, [Float])] = [("embeddings.word_embeddings.weight", wordEmbeddings),
                                        ("embeddings.position_embeddings.weight", positionEmbeddings),
                                        ("embeddings.token_type_embeddings.weight", tokenTypeEmbeddings)]
        all += norm("embeddings.LayerNorm", embeddingNorm)
        for (i, l) in layers.enumerated() {
            let p = "encoder.layer.\(i)."
            all += linear(p + "attention.self.query", l.query) + linear(p + "attention.self.key", l.key)
                + linear(p + "attention.self.value", l.value) + linear(p + "attention.output.dense", l.attentionOutput)
                + norm(p + "attention.output.LayerNorm", l.attentionNorm) + linear(p + "intermediate.dense", l.intermediate)
                + linear(p + "output.dense", l.output) + norm(p + "output.LayerNorm", l.outputNorm)
        }
        if let head {
            if let pooler = head.pooler { all += linear("pooler.dense", pooler) }
            all += linear("classifier", head.classifier)
        }
        return all
    }

    /// Throws for the first NaN or infinite weight: such a network cannot be compiled (its
    /// outputs would be NaN, and quantizer scales fitted to it meaningless).
    func checkFinite() throws(CompileError) {
        for (name, values) in namedWeights {
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw CompileError("weight '\(name)' holds \(values[i]) at element \(i); a checkpoint with NaN or infinite "
                                   + "weights cannot be compiled — retrain or re-export it")
            }
        }
    }
}
