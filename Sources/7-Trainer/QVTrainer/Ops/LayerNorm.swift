/// LayerNorm over the last dimension, in FP32 as the runtime keeps it.
extension Tape {
    /// `γ · (x − μ) / √(σ² + ε) + β` per row of `x` `[…, features]`; `gamma`, `beta` `[features]`.
    public func layerNorm(_ x: Variable, gamma: Variable, beta: Variable, epsilon: Float) -> Variable {
        let f = x.shape.last!
        precondition(gamma.shape == [f] && beta.shape == [f], "layerNorm: x \(x.shape), gamma \(gamma.shape)")
        let rows = x.count / f
        var y = [Float](repeating: 0, count: x.count)
        var normed = y
        var inverseDeviation = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            let base = r * f
            var mean: Float = 0
            for i in 0..<f { mean += x.value[base + i] }
            mean /= Float(f)
            var variance: Float = 0
            for i in 0..<f { let d = x.value[base + i] - mean; variance += d * d }
            let inv = 1 / (variance / Float(f) + epsilon).squareRoot()
            inverseDeviation[r] = inv
            for i in 0..<f {
                let n = (x.value[base + i] - mean) * inv
                normed[base + i] = n
                y[base + i] = n * gamma.value[i] + beta.value[i]
            }
        }
        let result = output(x.shape, y, from: x, gamma, beta)
        record(result) { dy in
            if gamma.requiresGradient || beta.requiresGradient {
                var dg = [Float](repeating: 0, count: f), db = dg
                for r in 0..<rows { for i in 0..<f { dg[i] += dy[r * f + i] * normed[r * f + i]; db[i] += dy[r * f + i] } }
                if gamma.requiresGradient { gamma.accumulate(dg) }
                if beta.requiresGradient { beta.accumulate(db) }
            }
            guard x.requiresGradient else { return }
            x.accumulate { dx in
                for r in 0..<rows {
                    let base = r * f
                    var sumG: Float = 0, sumGN: Float = 0
                    for i in 0..<f {
                        let g = dy[base + i] * gamma.value[i]
                        sumG += g
                        sumGN += g * normed[base + i]
                    }
                    let inv = inverseDeviation[r], n = Float(f)
                    for i in 0..<f {
                        let g = dy[base + i] * gamma.value[i]
                        dx[base + i] += inv * (g - sumG / n - normed[base + i] * sumGN / n)
                    }
                }
            }
        }
        return result
    }
}
