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

    /// Throws for what the runtime could not run, naming the field or weight, so the compiler
    /// refuses it rather than writing a file `qvrun` refuses: a LayerNorm epsilon that is not
    /// positive, no token types, fewer than two positions or tokens (`[CLS]` and `[SEP]`), a
    /// vocabulary larger than the word-embedding table, and NaN or infinite weights.
    func checkRunnable() throws(CompileError) {
        let eps = config.layerNormEps
        guard eps > 0, eps.isFinite else {
            throw CompileError("layer_norm_eps is \(eps); LayerNorm divides by √(variance + eps), so it must be a positive number — fix the model's config.json")
        }
        guard config.typeVocabSize >= 1 else {
            throw CompileError("type_vocab_size is \(config.typeVocabSize); a BERT needs at least one token type — fix the model's config.json")
        }
        guard config.maxPositions >= 2, tokenizer.maxLength >= 2 else {
            throw CompileError("the model takes \(min(config.maxPositions, tokenizer.maxLength)) tokens (max_position_embeddings \(config.maxPositions), "
                               + "tokenizer limit \(tokenizer.maxLength)); a sequence needs at least [CLS] and [SEP] — fix the model's config.json")
        }
        // The runtime refuses a tokenizer that can name rows the table does not have (the Hugging
        // Face importer checks this too; a trainer checkpoint's description is checked here).
        guard tokenizer.vocab.count <= config.vocabSize else {
            throw CompileError("the tokenizer has \(tokenizer.vocab.count) words but the word-embedding table \(config.vocabSize) rows; "
                               + "the vocabulary must fit the table — re-export the model")
        }
        try checkFinite()
    }

    /// Throws for the first NaN or infinite weight: such a network cannot be compiled (its
    /// outputs would be NaN, and quantizer scales fitted to it meaningless).
    private func checkFinite() throws(CompileError) {
        for (name, values) in namedWeights {
            if let i = values.firstIndex(where: { !$0.isFinite }) {
                throw CompileError("weight '\(name)' holds \(values[i]) at element \(i); a checkpoint with NaN or infinite "
                                   + "weights cannot be compiled — retrain or re-export it")
            }
        }
    }
}
