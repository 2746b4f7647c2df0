import Glibc

/// Elementwise ops: residual adds, GELU, tanh, dropout.
extension Tape {
    /// `a + b`, same shape (residual connections, embedding sums).
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.count == b.count, "add: \(a.shape) + \(b.shape)")
        var y = a.value
        y.withUnsafeMutableBufferPointer { d in b.value.withUnsafeBufferPointer { s in for i in 0..<d.count { d[i] += s[i] } } }
        let result = output(a.shape, y, from: a, b)
        record(result) { dy in
            if a.requiresGradient { a.accumulate(dy) }
            if b.requiresGradient { b.accumulate(dy) }
        }
        return result
    }

    /// Exact GELU, `x·Φ(x) = ½x(1 + erf(x/√2))`, as BERT and the runtime use.
    public func gelu(_ x: Variable) -> Variable {
        let cdf = x.value.map { 0.5 * (1 + erff($0 * Float(0.5).squareRoot())) }
        let result = output(x.shape, (0..<x.count).map { x.value[$0] * cdf[$0] }, from: x)
        record(result) { dy in
            let k = 1 / Float(2 * Double.pi).squareRoot()
            x.accumulate { dx in
                for i in 0..<dx.count {
                    let v = x.value[i]
                    dx[i] += dy[i] * (cdf[i] + v * k * expf(-0.5 * v * v))
                }
            }
        }
        return result
    }

    /// `tanh(x)` (the BERT pooler's activation).
    public func tanh(_ x: Variable) -> Variable {
        let y = x.value.map { tanhf($0) }
        let result = output(x.shape, y, from: x)
        record(result) { dy in x.accumulate { dx in for i in 0..<dx.count { dx[i] += dy[i] * (1 - y[i] * y[i]) } } }
        return result
    }

    /// Inverted dropout: each value zeroed with probability `p`, the rest scaled by `1/(1-p)`;
    /// the identity when the tape is not training or `p` is 0. Masks come from `rng`.
    public func dropout(_ x: Variable, probability p: Float, rng: inout SplitMix64) -> Variable {
        guard training, p > 0 else { return x }
        let keep = 1 / (1 - p)
        let mask = (0..<x.count).map { _ in rng.nextUnit() < p ? Float(0) : keep }
        let result = output(x.shape, zip(x.value, mask).map { $0 * $1 }, from: x)
        record(result) { dy in x.accumulate(zip(dy, mask).map { $0 * $1 }) }
        return result
    }
}
