/// LayerNorm over the last dimension, in FP32 as the runtime keeps it; rows in parallel.
extension Tape {
    /// `γ · (x − μ) / √(σ² + ε) + β` per row of `x` `[…, features]`; `gamma`, `beta` `[features]`.
    public func layerNorm(_ x: Variable, gamma: Variable, beta: Variable, epsilon: Float) -> Variable {
        let f = x.shape.last!
        precondition(gamma.shape == [f] && beta.shape == [f], "layerNorm: x \(x.shape), gamma \(gamma.shape)")
        let rows = x.count / f
        var y = [Float](repeating: 0, count: x.count), normed = y
        var inverseDeviation = [Float](repeating: 0, count: rows)
        x.value.withUnsafeBufferPointer { xs in
            gamma.value.withUnsafeBufferPointer { g in
                beta.value.withUnsafeBufferPointer { b in
                    let (py, pn, pi) = (SharedPointer(base: y.withUnsafeMutableBufferPointer { $0.baseAddress! }),
                                        SharedPointer(base: normed.withUnsafeMutableBufferPointer { $0.baseAddress! }),
                                        SharedPointer(base: inverseDeviation.withUnsafeMutableBufferPointer { $0.baseAddress! }))
                    Parallel.forEach(rows, grain: 16) { r in
                        let base = r * f
                        var mean: Float = 0
                        for i in 0..<f { mean += xs[base + i] }
                        mean /= Float(f)
                        var variance: Float = 0
                        for i in 0..<f { let d = xs[base + i] - mean; variance += d * d }
                        let inv = 1 / (variance / Float(f) + epsilon).squareRoot()
                        pi.base[r] = inv
                        for i in 0..<f {
                            let n = (xs[base + i] - mean) * inv
                            pn.base[base + i] = n
                            py.base[base + i] = n * g[i] + b[i]
                        }
                    }
                }
            }
        }
        let result = output(x.shape, y, from: x, gamma, beta)
        record(result) { dy in
            if gamma.requiresGradient || beta.requiresGradient {
                let (dg, db) = Self.normParameterGradients(dy, normed, rows: rows, features: f)
                if gamma.requiresGradient { gamma.accumulate(dg) }
                if beta.requiresGradient { beta.accumulate(db) }
            }
            guard x.requiresGradient else { return }
            var dx = [Float](repeating: 0, count: x.count)
            dy.withUnsafeBufferPointer { d in
                gamma.value.withUnsafeBufferPointer { g in
                    let out = SharedPointer(base: dx.withUnsafeMutableBufferPointer { $0.baseAddress! })
                    Parallel.forEach(rows, grain: 16) { r in
                        let base = r * f
                        var sumG: Float = 0, sumGN: Float = 0
                        for i in 0..<f {
                            let gi = d[base + i] * g[i]
                            sumG += gi
                            sumGN += gi * normed[base + i]
                        }
                        let inv = inverseDeviation[r], n = Float(f)
                        for i in 0..<f {
                            out.base[base + i] = inv * (d[base + i] * g[i] - sumG / n - normed[base + i] * sumGN / n)
                        }
                    }
                }
            }
            x.accumulate(dx)
        }
        return result
    }

    /// `Σ_rows` of each column of `x` `[rows, columns]`: partial sums per chunk of rows, added in order.
    static func columnSums(_ x: UnsafeBufferPointer<Float>, rows: Int, columns: Int) -> [Float] {
        let parts = max(1, min(Parallel.threads, rows / 16))
        var partial = [[Float]](repeating: [], count: parts)
        partial.withUnsafeMutableBufferPointer { p in
            let out = SharedPointer(base: p.baseAddress!)
            Parallel.chunks(parts) { range in
                for part in range {
                    var s = [Float](repeating: 0, count: columns)
                    for r in (rows * part / parts)..<(rows * (part + 1) / parts) { for c in 0..<columns { s[c] += x[r * columns + c] } }
                    out.base[part] = s
                }
            }
        }
        var total = partial[0]
        for part in 1..<parts { for c in 0..<columns { total[c] += partial[part][c] } }
        return total
    }

    /// `Σ_rows dy·normed` and `Σ_rows dy`: partial sums per chunk of rows, added in order.
    static func normParameterGradients(_ dy: [Float], _ normed: [Float], rows: Int, features f: Int) -> ([Float], [Float]) {
        let parts = max(1, min(Parallel.threads, rows / 16))
        var partial = [[Float]](repeating: [], count: 2 * parts)
        partial.withUnsafeMutableBufferPointer { p in
            let out = SharedPointer(base: p.baseAddress!)
            Parallel.chunks(parts) { range in
                for part in range {
                    var dg = [Float](repeating: 0, count: f), db = dg
                    for r in (rows * part / parts)..<(rows * (part + 1) / parts) {
                        for i in 0..<f { dg[i] += dy[r * f + i] * normed[r * f + i]; db[i] += dy[r * f + i] }
                    }
                    out.base[2 * part] = dg
                    out.base[2 * part + 1] = db
                }
            }
        }
        var dg = partial[0], db = partial[1]
        for part in 1..<parts { for i in 0..<f { dg[i] += partial[2 * part][i]; db[i] += partial[2 * part + 1][i] } }
        return (dg, db)
    }
}
