import QVKernels
import QVKernelsMath

/// The network `qvc compile` makes of a quantized `BertClassifier`, computed from the trainer's
/// own parameters with the runtime's arithmetic: 8-bit embedding rows, the shared LayerNorm,
/// exact integer products of codes with folded epilogues, integer attention with the shared
/// softmax, GELU and tanh, and every code from the contract's `Quantizer.code`. What it shares
/// with the runtime is only that arithmetic; the graph, the codes and the folding are the
/// trainer's — so `qvc verify` comparing the two checks the compiler, the packing and the kernels.
public struct DeployedClassifier {
    private let model: BertClassifier
    /// The three embedding tables (word, position, token type), fake-quantized by their 8-bit row quantizers.
    private let tables: [[Float]]
    private let layers: [Layer]
    private let pooler: (linear: DeployedLinear, input: Quantizer)?
    private let classifier: (linear: DeployedLinear, input: Quantizer)

    /// One encoder layer's deployed parts.
    private struct Layer {
        let input, query, key, value, probabilities, context, normed, gelu: Quantizer
        let q, k, v, attentionOutput, intermediate, output: DeployedLinear
        let attentionNorm, outputNorm: (gamma: [Float], beta: [Float])
    }

    /// The deployed form of `model`, which must be quantized (nil at FP32: the trainer's forward
    /// is the deployed one there).
    public init?(_ model: BertClassifier) {
        guard let tableQuantizers = model.tableQuantizers, let head = model.headQuantizers else { return nil }
        self.model = model
        tables = zip(tableQuantizers, [model.wordEmbeddings, model.positionEmbeddings, model.tokenTypeEmbeddings]).map { q, table in
            let width = table.shape[1], rows = q.rowQuantizers(table)
            return table.value.indices.map { rows[$0 / width].fakeQuantize(table.value[$0]) }
        }
        layers = model.layers.map { l in
            let q = l.quantizers!
            return Layer(input: q.input.quantizer, query: q.query.quantizer, key: q.key.quantizer, value: q.value.quantizer,
                         probabilities: q.probabilities.quantizer, context: q.context.quantizer, normed: q.normed.quantizer,
                         gelu: q.gelu.quantizer,
                         q: DeployedLinear(l.query, input: q.input.quantizer), k: DeployedLinear(l.key, input: q.input.quantizer),
                         v: DeployedLinear(l.value, input: q.input.quantizer),
                         attentionOutput: DeployedLinear(l.attentionOutput, input: q.context.quantizer),
                         intermediate: DeployedLinear(l.intermediate, input: q.normed.quantizer),
                         output: DeployedLinear(l.output, input: q.gelu.quantizer),
                         attentionNorm: (l.attentionNorm.gamma.value, l.attentionNorm.beta.value),
                         outputNorm: (l.outputNorm.gamma.value, l.outputNorm.beta.value))
        }
        if let p = model.pooler, let input = head.pooler?.quantizer { pooler = (DeployedLinear(p, input: input), input) } else { pooler = nil }
        classifier = (DeployedLinear(model.classifier, input: head.classifier.quantizer), head.classifier.quantizer)
    }

    /// The logits of each tokenized text, texts spread over the trainer's threads.
    public func logits(_ texts: [[Int32]]) -> [[Float]] {
        var out = [[Float]](repeating: [], count: texts.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let shared = SharedPointer(base: buffer.baseAddress!)
            Parallel.chunks(texts.count) { range in for i in range { shared.base[i] = logits(ids: texts[i]) } }
        }
        return out
    }

    /// The logits of one tokenized text (ids as the tokenizer gives them, every token attended).
    public func logits(ids: [Int32]) -> [Float] {
        let tokens = ids.count, width = model.config.hidden
        var h = [Float](repeating: 0, count: tokens * width)
        for t in 0..<tokens {
            let word = Int(ids[t]) * width, position = t * width
            for j in 0..<width { h[t * width + j] = tables[0][word + j] + tables[1][position + j] + tables[2][j] }
        }
        h = normalize(h, rows: tokens, model.embeddingNorm.gamma.value, model.embeddingNorm.beta.value)
        for layer in layers { h = encode(layer, h, tokens: tokens) }
        var pooled: [Float]
        if let pooler {
            let cls = pooler.input.codes(Array(h[0..<width]))
            pooled = pooler.linear(cls, rows: 1, activation: .tanh)
        } else if model.config.pooling == "cls" {
            pooled = Array(h[0..<width])
        } else {
            pooled = [Float](repeating: 0, count: width)
            for t in 0..<tokens { for j in 0..<width { pooled[j] += h[t * width + j] } }
            let inverse = 1 / Float(max(tokens, 1))
            pooled = pooled.map { $0 * inverse }
        }
        return classifier.linear(classifier.input.codes(pooled), rows: 1)
    }

    /// One post-LayerNorm encoder layer over `tokens` rows.
    private func encode(_ l: Layer, _ h: [Float], tokens: Int) -> [Float] {
        let x = l.input.codes(h)
        let q = l.query.codes(l.q(x, rows: tokens)), k = l.key.codes(l.k(x, rows: tokens)), v = l.value.codes(l.v(x, rows: tokens))
        let context = l.context.codes(attend(l, q: q, k: k, v: v, tokens: tokens))
        let h1 = normalize(l.attentionOutput(context, rows: tokens, residual: h), rows: tokens, l.attentionNorm.gamma, l.attentionNorm.beta)
        let inner = l.gelu.codes(l.intermediate(l.normed.codes(h1), rows: tokens, activation: .gelu))
        return normalize(l.output(inner, rows: tokens, residual: h1), rows: tokens, l.outputNorm.gamma, l.outputNorm.beta)
    }

    /// Integer multi-head attention on q, k, v codes `[tokens, hidden]`: scores from q·k codes,
    /// the shared softmax, probability codes, then the context from probability·v codes.
    private func attend(_ l: Layer, q: [Float], k: [Float], v: [Float], tokens m: Int) -> [Float] {
        let f = model.config.hidden, heads = model.config.heads, d = f / heads
        let scoreScale = EpilogueFolding.scoreScale(q: l.query, k: l.key, factor: 1 / Float(d).squareRoot())
        let contextScale = EpilogueFolding.contextScale(probabilities: l.probabilities, v: l.value)
        let qc = q.map(Int32.init), kc = k.map(Int32.init), vc = v.map(Int32.init)
        var out = [Float](repeating: 0, count: m * f), scores = [Float](repeating: 0, count: m), p = [Int32](repeating: 0, count: m)
        for h in 0..<heads {
            for i in 0..<m {
                for j in 0..<m {
                    var acc: Int32 = 0
                    for r in 0..<d { acc &+= qc[i * f + h * d + r] &* kc[j * f + h * d + r] }
                    scores[j] = scalarEpilogue(Float(acc), scale: scoreScale, bias: 0)  // every key attended: mask bias 0
                }
                scores.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: m) }
                for j in 0..<m { p[j] = l.probabilities.code(scores[j]) }
                for r in 0..<d {
                    var acc: Int32 = 0
                    for j in 0..<m { acc &+= p[j] &* vc[j * f + h * d + r] }
                    out[i * f + h * d + r] = scalarEpilogue(Float(acc), scale: contextScale)
                }
            }
        }
        return out
    }

    /// The shared LayerNorm of each row.
    private func normalize(_ x: [Float], rows: Int, _ gamma: [Float], _ beta: [Float]) -> [Float] {
        let width = gamma.count
        var out = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { input in
            layerNorm(input.baseAddress!, rows: rows, columns: width, stride: width, gamma: gamma, beta: beta,
                      epsilon: model.config.layerNormEps, output: &out, outputStride: width)
        }
        return out
    }
}
