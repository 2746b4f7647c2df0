import Glibc

extension Tape {
    /// The bin regulariser (BinReg) of one quantized weight matrix, in step units `v = w / s`
    /// (each row's step): `mean((c − v)²) + Σ_c (n_c / n) · var(v | code c)` — the quantization
    /// error plus the spread of the latent weights inside each code's bin, which pulls weights to
    /// their level and away from the rounding boundaries where they oscillate. Each bin's
    /// variance is weighted by its share of the weights (an unweighted sum gives the weights of a
    /// nearly empty bin gradients of 1/n_c — at 8 bits that diverges). Only weights inside their
    /// code's bin count (|v − c| ≤ ½, binary ≤ 1): clamped weights are LSQ's business, and in step
    /// units their error grows without bound as a step shrinks. Steps are held constant.
    public func binRegularizer(_ w: Variable, by q: WeightQuantizer) -> Variable {
        let columns = w.shape[1]
        let quantizers = q.rowQuantizers(w)
        let span = Int(q.format.codeMax - q.format.codeMin) + 1
        let codes = (0..<w.count).map { quantizers[$0 / columns].code(w.value[$0]) }
        let v = (0..<w.count).map { w.value[$0] / quantizers[$0 / columns].scale }
        let reach: Float = q.format.scheme == .binarySign ? 1 : 0.5
        let inBin = (0..<w.count).map { abs(v[$0] - Float(codes[$0])) <= reach }
        var sums = [Double](repeating: 0, count: span), squares = sums, counts = sums
        var error: Double = 0
        for i in 0..<w.count where inBin[i] {
            let b = Int(codes[i] - q.format.codeMin), x = Double(v[i])
            sums[b] += x; squares[b] += x * x; counts[b] += 1
            error += (Double(codes[i]) - x) * (Double(codes[i]) - x)
        }
        var spread: Double = 0
        let means = (0..<span).map { counts[$0] > 0 ? sums[$0] / counts[$0] : 0 }
        for b in 0..<span where counts[b] > 0 { spread += max(squares[b] / counts[b] - means[b] * means[b], 0) * counts[b] }
        let n = Double(w.count)
        let result = output([1], [Float((error + spread) / n)], from: w)
        record(result) { dy in
            w.accumulate { dw in
                for i in 0..<w.count where inBin[i] {
                    let b = Int(codes[i] - q.format.codeMin), x = Double(v[i])
                    let dv = 2 * (x - Double(codes[i])) / n + 2 * (x - means[b]) / n
                    dw[i] += dy[0] * Float(dv) / quantizers[i / columns].scale
                }
            }
        }
        return result
    }
}

/// BinReg's weight over training: 0 for the first quarter of the steps, then rising on a cosine
/// to `maximum` at the end.
public func binRegWeight(step: Int, of steps: Int, maximum: Float) -> Float {
    let start = steps / 4
    guard maximum > 0, step >= start, steps > start else { return 0 }
    let progress = Double(step - start) / Double(steps - start)
    return maximum * Float(0.5 * (1 - cos(Double.pi * progress)))
}
