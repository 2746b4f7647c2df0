import QVKernels

/// Post-training choice of quantizer parameters. 8-bit quantizers cover the whole observed range
/// unless told to clip (clipping LayerNorm outputs cuts BERT's outlier features, which carry real
/// signal; GELU outputs have a long thin tail that clipping serves better); binary quantizers use
/// the closed form (offset = mean, scale = mean |x − offset|); the others take the clipping range
/// whose fake-quantized values are closest, in mean squared error, to the samples.
public enum ScaleSearch {
    /// Fractions of the observed range (or of max |x|) tried as the clipping limit.
    static let clipFractions: [Float] = (1...40).map { Float($0) / 40 }

    /// The quantizer of `format` for `samples`: full range at 8 bits unless `clip`, else the
    /// MSE-best clipping. `zeroOffset` pins the offset to 0.
    public static func quantizer(for samples: [Float], format: QuantFormat, zeroOffset: Bool = false, clip: Bool = false) -> Quantizer {
        guard !samples.isEmpty else { return Quantizer(format: format, scale: 1) }
        if format.bits == 8 && !clip { return fullRange(samples, format: format, zeroOffset: zeroOffset) }
        switch format.scheme {
        case .binarySign:
            let offset = zeroOffset ? 0 : samples.reduce(0, +) / Float(samples.count)
            let scale = samples.reduce(0) { $0 + abs($1 - offset) } / Float(samples.count)
            return Quantizer(format: format, scale: max(scale, .leastNormalMagnitude), offset: offset)
        case .signedSymmetric:
            let limit = samples.reduce(0) { max($0, abs($1)) }
            return best(samples, candidates: clipFractions.map { f in
                Quantizer(format: format, scale: max(f * limit / Float(format.codeMax), .leastNormalMagnitude))
            })
        case .unsignedOffset:
            let lo = zeroOffset ? 0 : samples.min()!, hi = samples.max()!
            let levels = Float(format.codeMax)
            var candidates: [Quantizer] = []
            for top in clipFractions {
                for bottom in zeroOffset ? [Float(0)] : [0, 0.05, 0.1, 0.2, 0.3] {
                    let a = lo + bottom * (hi - lo), b = lo + top * (hi - lo)
                    guard b > a else { continue }
                    candidates.append(Quantizer(format: format, scale: (b - a) / levels, offset: a))
                }
            }
            return candidates.isEmpty ? Quantizer(format: format, scale: 1, offset: lo) : best(samples, candidates: candidates)
        }
    }

    /// The quantizer whose codes span exactly the observed range.
    static func fullRange(_ samples: [Float], format: QuantFormat, zeroOffset: Bool) -> Quantizer {
        let tiny = Float.leastNormalMagnitude
        if format.scheme == .signedSymmetric {
            let limit = samples.reduce(0) { max($0, abs($1)) }
            return Quantizer(format: format, scale: max(limit / Float(format.codeMax), tiny))
        }
        let lo = zeroOffset ? 0 : samples.min()!, hi = samples.max()!
        return Quantizer(format: format, scale: max((hi - lo) / Float(format.codeMax), tiny), offset: lo)
    }

    /// Attention probabilities: multi-bit codes on the fixed grid k / (2^b − 1) of [0, 1] (a
    /// clipped top would flatten the few large probabilities that matter most); the 1-bit code
    /// takes the MSE-best threshold.
    public static func probabilityQuantizer(for samples: [Float], format: QuantFormat) -> Quantizer {
        format.bits == 1 ? quantizer(for: samples, format: format, zeroOffset: true)
                         : Quantizer(format: format, scale: 1 / Float(format.codeMax))
    }

    /// The quantizer of one weight row (output channel), offset 0: binary by sign with scale
    /// mean |w|; 8-bit with scale max |w| / 127; other formats the MSE-best clipping of max |w|
    /// over fractions 0.30…1.00.
    public static func weightRowQuantizer(for row: [Float], format: QuantFormat) -> Quantizer {
        switch format.bits {
        case 1: return quantizer(for: row, format: format, zeroOffset: true)
        case 8:
            return Quantizer(format: format, scale: max(row.reduce(0) { max($0, abs($1)) } / Float(format.codeMax), .leastNormalMagnitude))
        default:
            let limit = row.reduce(0) { max($0, abs($1)) }
            return best(row, candidates: stride(from: Float(0.3), through: 1.0, by: 0.05).map {
                Quantizer(format: format, scale: max($0 * limit / Float(format.codeMax), .leastNormalMagnitude))
            })
        }
    }

    /// The candidate with the least squared error on `samples`.
    static func best(_ samples: [Float], candidates: [Quantizer]) -> Quantizer {
        var bestQ = candidates[0], bestErr = Float.infinity
        for q in candidates {
            var err: Float = 0
            for x in samples { let e = q.fakeQuantize(x) - x; err += e * e }
            if err < bestErr { bestErr = err; bestQ = q }
        }
        return bestQ
    }

    /// At most `limit` evenly strided samples of `values`, always keeping the smallest and
    /// largest (calibration sets can be large; their extremes set the 8-bit ranges).
    public static func subsample(_ values: [Float], limit: Int = 20_000) -> [Float] {
        guard values.count > limit, let lo = values.min(), let hi = values.max() else { return values }
        let step = Double(values.count) / Double(limit - 2)
        return (0..<(limit - 2)).map { values[Int(Double($0) * step)] } + [lo, hi]
    }
}
