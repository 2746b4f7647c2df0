import Glibc

/// Elementwise ops: residual adds, GELU, tanh, dropout.
extension Tape {
    /// `a + b`, same shape (residual connections, embedding sums).
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.count == b.count, "add: \(a.shape) + \(b.shape)")
        let y = a.value.withUnsafeBufferPointer { x in b.value.withUnsafeBufferPointer { z in Parallel.map(x.count) { x[$0] + z[$0] } } }
        let result = output(a.shape, y, from: a, b)
        record(result) { dy in
            if a.requiresGradient { a.accumulate(dy) }
            if b.requiresGradient { b.accumulate(dy) }
        }
        return result
    }

    /// Exact GELU, `x·Φ(x) = ½x(1 + erf(x/√2))`: the runtime's own lane GELU (QVKernelsMath), so a
    /// trained FP32 value is the one the compiled epilogue forms.
    public func gelu(_ x: Variable) -> Variable {
        let v = x.value
        let y = v.withUnsafeBufferPointer { xs in Parallel.mapLanes(xs.baseAddress!, xs.baseAddress!, count: xs.count) { x, _ in TrainerLanes.gelu(x) } }
        let result = output(x.shape, y, from: x)
        record(result) { dy in
            // gelu'(x) = Φ(x) + x·φ(x), Φ(x) = (1 + erf(x/√2))/2, φ(x) = e^(−x²/2)/√(2π).
            let g = v.withUnsafeBufferPointer { xs in
                dy.withUnsafeBufferPointer { d in
                    Parallel.mapLanes(xs.baseAddress!, d.baseAddress!, count: xs.count) { x, d in
                        let cdf = 0.5 * (1 + TrainerLanes.errorFunction(x * 0.707_106_781_186_547_524))
                        return d * (cdf + x * 0.398_942_280_401_432_678 * TrainerLanes.exponential(-0.5 * x * x))
                    }
                }
            }
            x.accumulate(g)
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

    /// Inverted dropout: each value zeroed with probability `p` (to 1/65536), the rest scaled by
    /// `1/(1-p)`; the identity when the tape is not training or `p` is 0. Masks come from `rng`.
    public func dropout(_ x: Variable, probability p: Float, rng: inout SplitMix64) -> Variable {
        guard training, p > 0 else { return x }
        let keep = 1 / (1 - p), threshold = UInt64(Double(p) * 65536)
        // Four 16-bit uniform draws from each 64-bit random number.
        var mask = [Float](repeating: keep, count: x.count)
        var bits: UInt64 = 0
        for i in 0..<x.count {
            if i & 3 == 0 { bits = rng.next() }
            if bits & 0xFFFF < threshold { mask[i] = 0 }
            bits >>= 16
        }
        let result = output(x.shape, zip(x.value, mask).map { $0 * $1 }, from: x)
        record(result) { dy in x.accumulate(zip(dy, mask).map { $0 * $1 }) }
        return result
    }
}
