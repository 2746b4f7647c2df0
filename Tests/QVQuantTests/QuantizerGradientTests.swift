// STE and LSQ/LSQ+ gradients against finite differences of fakeQuantize where it is
// differentiable (rounding frozen: no code changes within the step), and against their
// definitions at the clamps.
import Testing
import QVQuant

@Suite struct QuantizerGradientTests {
    /// Points `offset + v·scale` with `v` a quarter or more away from every rounding boundary,
    /// from three codes below the range to three above.
    static func samples(_ q: Quantizer) -> [(x: Float, v: Float)] {
        let lo = Int(q.format.codeMin) - 3, hi = Int(q.format.codeMax) + 3
        return (lo...hi).flatMap { k in [0.2, 0.4, 0.6, 0.8].map { Float(k) - 0.5 + $0 } }
            .map { (q.offset + $0 * q.scale, $0) }
    }

    /// Central difference of `fakeQuantize(x)` as `parameter` moves by ±`h`, or nil if the code
    /// changes within the step (not differentiable there).
    static func difference(_ q: Quantizer, _ x: Float, h: Float, scale: Bool) -> Float? {
        let up = scale ? Quantizer(format: q.format, scale: q.scale + h, offset: q.offset)
                       : Quantizer(format: q.format, scale: q.scale, offset: q.offset + h)
        let down = scale ? Quantizer(format: q.format, scale: q.scale - h, offset: q.offset)
                         : Quantizer(format: q.format, scale: q.scale, offset: q.offset - h)
        guard up.code(x) == q.code(x), down.code(x) == q.code(x) else { return nil }
        return (up.fakeQuantize(x) - down.fakeQuantize(x)) / (2 * h)
    }

    static let multiBitFormats = storedFormats.filter { $0.scheme != .binarySign }

    @Test(arguments: multiBitFormats)
    func stepSizeGradientIsTheDerivativePlusTheSTETerm(format: QuantFormat) {
        for q in sampleQuantizers(for: format) {
            for (x, v) in Self.samples(q) {
                let h = q.scale * 0.05 / (abs(v) + 1)
                guard let derivative = Self.difference(q, x, h: h, scale: true) else {
                    Issue.record("\(format) v \(v): code moved within the step"); continue
                }
                // d/ds [s·clamp(R(v)) + o] with dR/dv = 1: the frozen-rounding derivative − v inside.
                let expected = derivative - v * q.straightThroughGradient(x)
                #expect(abs(q.stepSizeGradient(x) - expected) <= 2e-3 * (abs(derivative) + 1), "\(format) v \(v)")
                let inside = v >= Float(format.codeMin) && v <= Float(format.codeMax)
                if inside {
                    #expect(q.stepSizeGradient(x) == Float(q.code(x)) - (x - q.offset) * q.inverseScale)
                } else {
                    #expect(q.stepSizeGradient(x) == Float(v < 0 ? format.codeMin : format.codeMax), "\(format) v \(v)")
                }
            }
        }
    }

    @Test(arguments: storedFormats)
    func offsetGradientIsTheDerivativeMinusTheSTETerm(format: QuantFormat) {
        for q in sampleQuantizers(for: format) {
            for (x, v) in Self.samples(q) where abs(v) > 0.1 {
                guard let derivative = Self.difference(q, x, h: q.scale * 0.05, scale: false) else {
                    Issue.record("\(format) v \(v): code moved within the step"); continue
                }
                #expect(abs(derivative - 1) <= 1e-3, "\(format) v \(v)")
                #expect(abs(q.offsetGradient(x) - (derivative - q.straightThroughGradient(x))) <= 1e-3, "\(format) v \(v)")
                #expect(q.offsetGradient(x) == (q.passesGradient(x) ? 0 : 1))
            }
        }
    }

    @Test(arguments: multiBitFormats)
    func straightThroughGradientIsTheSlopeOverWholeCodes(format: QuantFormat) {
        for q in sampleQuantizers(for: format) {
            for (x, v) in Self.samples(q) {
                // Over ±1 code, fakeQuantize rises by exactly one step each way inside the range
                // and stays flat where clamped: slope 1 or 0, the STE's value.
                let lo = Float(format.codeMin), hi = Float(format.codeMax)
                let inside = v - 1 >= lo && v + 1 <= hi
                let outside = v + 1 < lo || v - 1 > hi
                guard inside || outside else { continue }
                let slope = (q.fakeQuantize(x + q.scale) - q.fakeQuantize(x - q.scale)) / (2 * q.scale)
                #expect(abs(q.straightThroughGradient(x) - slope) <= 1e-3, "\(format) v \(v)")
            }
            #expect(q.straightThroughGradient(q.value(ofCode: format.codeMax)) == 1)
            #expect(q.straightThroughGradient(q.value(ofCode: format.codeMin)) == 1)
            #expect(q.straightThroughGradient(.nan) == 0)
        }
    }

    @Test func binaryUsesTheClippedSTEAndTheSignForTheScale() {
        for q in sampleQuantizers(for: .binary) {
            for v: Float in [-3, -1.5, -0.9, -0.5, -0.1, 0.1, 0.5, 0.9, 1.5, 3] {
                let x = q.offset + v * q.scale
                #expect(q.straightThroughGradient(x) == (abs(v) <= 1 ? 1 : 0), "v \(v)")
                #expect(q.stepSizeGradient(x) == (v > 0 ? 1 : -1), "v \(v)")
                let derivative = Self.difference(q, x, h: q.scale * 0.05, scale: true)!
                #expect(abs(q.stepSizeGradient(x) - derivative) <= 1e-3, "v \(v)")
            }
            #expect(q.straightThroughGradient(q.offset + q.scale) == 1)
            #expect(q.straightThroughGradient(q.offset - q.scale) == 1)
        }
    }
}
