import QVKernels

extension AttentionStep {
    /// The reference: per group, head and query row, naive dot products for the scores, the shared
    /// softmax, then naive sums for the context — FP32, or integer codes in logical order with the
    /// probabilities quantized by `Quantizer.code`; every softmax row, [head][query][key], goes to
    /// the probabilities output when the op has one.
    func reference(_ state: inout ReferenceState) throws(RuntimeError) {
        let rows = state.rows(q), m = rowsPerGroup(rows), f = features, d = headDim
        try checkGroups(rows: rows)
        let values = state.values, codes = state.codes
        let bias = mask.map { codes[$0].map { $0 != 0 ? Float(0) : -Float.infinity } }
        var out = [Float](repeating: 0, count: rows * f), probabilities: [Float] = []
        var scores = [Float](repeating: 0, count: m)
        for group in 0..<(rows / m) {
            let first = group * m
            for h in 0..<heads {
                for i in first..<(first + m) {
                    for j in 0..<m {
                        let key = first + j
                        switch operands {
                        case .float:
                            var acc: Float = 0
                            for r in 0..<d { acc += values[q][i * f + h * d + r] * values[k][key * f + h * d + r] }
                            scores[j] = scalarEpilogue(acc, scale: scoreScale, bias: bias?[key])
                        case .codes(_, let qkScale, _):
                            var acc: Int32 = 0
                            for r in 0..<d { acc &+= codes[q][i * f + h * d + r] &* codes[k][key * f + h * d + r] }
                            scores[j] = scalarEpilogue(Float(acc), scale: qkScale, bias: bias?[key])
                        }
                    }
                    softmaxInPlace(&scores, count: m)
                    if self.probabilities != nil { probabilities += scores }
                    for r in 0..<d {
                        switch operands {
                        case .float:
                            var acc: Float = 0
                            for j in 0..<m { acc += scores[j] * values[v][(first + j) * f + h * d + r] }
                            out[i * f + h * d + r] = acc
                        case .codes(let probs, _, let pvScale):
                            var acc: Int32 = 0
                            for j in 0..<m { acc &+= probs.code(scores[j]) &* codes[v][(first + j) * f + h * d + r] }
                            out[i * f + h * d + r] = scalarEpilogue(Float(acc), scale: pvScale)
                        }
                    }
                }
            }
        }
        state.store(out, as: output)
        if let p = self.probabilities { state.values[p] = probabilities }
    }
}
