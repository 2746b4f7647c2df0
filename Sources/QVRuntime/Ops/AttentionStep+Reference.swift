import QVKernels

extension AttentionStep {
    /// The reference: per head and query row, naive dot products for the scores, the shared
    /// softmax, then naive sums for the context — FP32, or integer codes in logical order with the
    /// probabilities quantized by `Quantizer.code`; every softmax row, [head][query][key], goes to
    /// the probabilities output when the op has one.
    func reference(_ state: inout ReferenceState) {
        let n = state.tokens, f = features, d = headDim
        let values = state.values, codes = state.codes
        let bias = codes[mask].map { $0 != 0 ? Float(0) : -Float.infinity }
        var out = [Float](repeating: 0, count: n * f), probabilities: [Float] = []
        var scores = [Float](repeating: 0, count: n)
        for h in 0..<heads {
            for i in 0..<n {
                for j in 0..<n {
                    switch operands {
                    case .float:
                        var acc: Float = 0
                        for r in 0..<d { acc += values[q][i * f + h * d + r] * values[k][j * f + h * d + r] }
                        scores[j] = referenceEpilogue(acc, scale: scoreScale, bias: bias[j])
                    case .codes(_, let qkScale, _):
                        var acc: Int32 = 0
                        for r in 0..<d { acc &+= codes[q][i * f + h * d + r] &* codes[k][j * f + h * d + r] }
                        scores[j] = referenceEpilogue(Float(acc), scale: qkScale, bias: bias[j])
                    }
                }
                softmaxInPlace(&scores, count: n)
                if self.probabilities != nil { probabilities += scores }
                for r in 0..<d {
                    switch operands {
                    case .float:
                        var acc: Float = 0
                        for j in 0..<n { acc += scores[j] * values[v][j * f + h * d + r] }
                        out[i * f + h * d + r] = acc
                    case .codes(let probs, _, let pvScale):
                        var acc: Int32 = 0
                        for j in 0..<n { acc &+= probs.code(scores[j]) &* codes[v][j * f + h * d + r] }
                        out[i * f + h * d + r] = referenceEpilogue(Float(acc), scale: pvScale)
                    }
                }
            }
        }
        state.store(out, as: output)
        if let p = self.probabilities { state.values[p] = probabilities }
    }
}
