import QVKernels

/// Post-training choice of quantizer parameters: the scale (and offset) whose fake-quantized
/// values are closest, in mean squared error, to the observed values. Binary quantizers use the
/// closed form (offset = mean, scale = mean |x − offset|); all others search clipping ranges.
enum ScaleSearch {
    /// Fractions of the observed range (or of max |x|) tried as the clipping limit.
    static let clipFractions: [Float] = (1...40).map { Float($0) / 40 }

    /// The MSE-best quantizer of `format` for `samples`. `zeroOffset` pins the offset to 0.
    static func quantizer(for samples: [Float], format: QuantFormat, zeroOffset: Bool = false) -> Quantizer {
        guard !samples.isEmpty else { return Quantizer(format: format, scale: 1) }
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

    /// At most `limit` evenly strided samples of `values` (calibration sets can be large).
    static func subsample(_ values: [Float], limit: Int = 20_000) -> [Float] {
        guard values.count > limit else { return values }
        let step = Double(values.count) / Double(limit)
        return (0..<limit).map { values[Int(Double($0) * step)] }
    }
}
