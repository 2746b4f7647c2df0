/// The forward pass of `BertClassifier` on a tape: embeddings, encoder layers and head, with
/// every quantization point of the recipe fake-quantized exactly where the compiler's lowering
/// puts its codes.
extension BertClassifier {
    /// What a forward pass gives: logits `[batch, classes]` and each layer's output hidden
    /// states (for distillation).
    public struct Output {
        /// Classifier logits.
        public let logits: Variable
        /// Hidden states after the embeddings and after each layer, `[batch·length, hidden]`.
        public let hidden: [Variable]
    }

    /// Runs the model on `batch`; dropout (when the tape trains) draws from `rng`.
    public func forward(_ batch: Batch, tape t: Tape, rng: inout SplitMix64) -> Output {
        let p = tape(t, dropout: recipe.dropout)
        let positions = (0..<batch.count).flatMap { _ in (0..<batch.length).map(Int32.init) }
        let types = [Int32](repeating: 0, count: batch.ids.count)
        var sum = t.add(t.add(table(t, wordEmbeddings, 0, batch.ids), table(t, positionEmbeddings, 1, positions)),
                        table(t, tokenTypeEmbeddings, 2, types))
        sum = t.layerNorm(sum, gamma: embeddingNorm.gamma, beta: embeddingNorm.beta, epsilon: config.layerNormEps)
        var h = p.drop(sum, &rng)
        var hidden = [h]
        for layer in layers {
            h = encoderLayer(layer, h, batch, t, p, &rng)
            hidden.append(h)
        }
        return Output(logits: head(h, batch, t, p, &rng), hidden: hidden)
    }

    /// One encoder layer (post-LayerNorm BERT).
    private func encoderLayer(_ l: EncoderLayer, _ h: Variable, _ batch: Batch, _ t: Tape, _ p: DropoutPolicy,
                              _ rng: inout SplitMix64) -> Variable {
        let q = l.quantizers
        let x = fq(t, h, q?.input)
        let heads = config.heads, width = config.hidden / heads
        let query = t.splitHeads(fq(t, linear(t, l.query, x), q?.query), batch: batch.count, heads: heads)
        let key = t.splitHeads(fq(t, linear(t, l.key, x), q?.key), batch: batch.count, heads: heads)
        let value = t.splitHeads(fq(t, linear(t, l.value, x), q?.value), batch: batch.count, heads: heads)
        let scores = t.batchedMatmul(query, key, transposeB: true, alpha: 1 / Float(width).squareRoot())
        let probs = fq(t, p.drop(t.maskedSoftmax(scores, lengths: batch.lengths), &rng), q?.probabilities)
        let context = fq(t, t.mergeHeads(t.batchedMatmul(probs, value), batch: batch.count), q?.context)
        let attended = t.add(p.drop(linear(t, l.attentionOutput, context), &rng), h)
        let h1 = t.layerNorm(attended, gamma: l.attentionNorm.gamma, beta: l.attentionNorm.beta, epsilon: config.layerNormEps)
        let inner = fq(t, t.gelu(linear(t, l.intermediate, fq(t, h1, q?.normed))), q?.gelu)
        let out = t.add(p.drop(linear(t, l.output, inner), &rng), h1)
        return t.layerNorm(out, gamma: l.outputNorm.gamma, beta: l.outputNorm.beta, epsilon: config.layerNormEps)
    }

    /// Pooling, the optional pooler and the classifier.
    private func head(_ h: Variable, _ batch: Batch, _ t: Tape, _ p: DropoutPolicy, _ rng: inout SplitMix64) -> Variable {
        var pooled: Variable
        if let pooler {
            pooled = t.tanh(linear(t, pooler, fq(t, t.clsPool(h, batch: batch.count), headQuantizers?.pooler)))
        } else {
            pooled = config.pooling == "cls" ? t.clsPool(h, batch: batch.count) : t.meanPool(h, lengths: batch.lengths)
        }
        pooled = p.drop(pooled, &rng)
        return linear(t, classifier, fq(t, pooled, headQuantizers?.classifier))
    }

    /// `x·Wᵀ + b` with the weight fake-quantized when the layer has a quantizer.
    private func linear(_ t: Tape, _ lin: LinearParameters, _ x: Variable) -> Variable {
        let w = lin.quantizer.flatMap { quantizes($0.label) ? t.fakeQuantize(weights: lin.weight, by: $0) : nil } ?? lin.weight
        return t.linear(x, weight: w, bias: lin.bias)
    }

    /// Rows `ids` of embedding table `n`, fake-quantized per row at 8 bits when quantized
    /// (gathering first: a row's step depends only on the row).
    private func table(_ t: Tape, _ table: Variable, _ n: Int, _ ids: [Int32]) -> Variable {
        let rows = t.embedding(table, ids: ids)
        return tableQuantizers.flatMap { quantizes($0[n].label) ? t.fakeQuantize(weights: rows, by: $0[n]) : nil } ?? rows
    }

    /// `x` fake-quantized by `q`, or `x` at an FP32 point.
    private func fq(_ t: Tape, _ x: Variable, _ q: ActivationQuantizer?) -> Variable {
        q.flatMap { quantizes($0.label) ? t.fakeQuantize(x, by: $0) : nil } ?? x
    }

    /// Whether the point labelled `label` is quantized in this forward pass (`onlyQuantizing`).
    private func quantizes(_ label: String) -> Bool { onlyQuantizing?.contains(label) ?? true }

    private func tape(_ t: Tape, dropout: Float) -> DropoutPolicy { DropoutPolicy(tape: t, probability: dropout) }
}

/// Dropout at one probability on one tape.
struct DropoutPolicy {
    /// The tape.
    let tape: Tape
    /// Probability of zeroing a value.
    let probability: Float

    /// `x` with dropout.
    func drop(_ x: Variable, _ rng: inout SplitMix64) -> Variable { tape.dropout(x, probability: probability, rng: &rng) }
}
