import Testing
@testable import QVQuant

/// The lane forms of the quantizer against the scalar rule, lane for lane and bit for bit.
@Suite struct QuantizerLaneTests {
    /// Values around every code boundary (ties included), far outside the range, and the specials.
    func values(_ q: Quantizer) -> [Float] {
        var v: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, q.offset, q.offset.nextUp, q.offset.nextDown, .greatestFiniteMagnitude]
        for code in (q.format.codeMin - 3)...(q.format.codeMax + 3) {
            for half: Float in [-0.5, 0, 0.5] {
                let x = (Float(code) + half) * q.scale + q.offset
                v += [x, x.nextUp, x.nextDown]
            }
        }
        var state: UInt64 = 7
        for _ in 0..<256 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            v.append((Float(state >> 40) / Float(1 << 24) - 0.5) * 4 * Float(q.format.codeMax - q.format.codeMin + 2) * q.scale)
        }
        while v.count % 16 != 0 { v.append(0.25) }
        return v
    }

    @Test(arguments: storedFormats)
    func lanesMatchTheScalarRule(format: QuantFormat) {
        for q in sampleQuantizers(for: format) + [Quantizer(format: format, scale: 0.37)] {
            let all = values(q)
            for start in stride(from: 0, to: all.count, by: 16) {
                let x = SIMD16<Float>(all[start..<(start + 16)])
                let codes = q.codes(x), fake = q.fakeQuantize(x), g = q.gradients(x)
                for lane in 0..<16 {
                    let v = x[lane]
                    let same = codes[lane].bitPattern == Float(q.code(v)).bitPattern
                        && fake[lane].bitPattern == q.fakeQuantize(v).bitPattern
                        && g.input[lane].bitPattern == q.straightThroughGradient(v).bitPattern
                        && g.step[lane].bitPattern == q.stepSizeGradient(v).bitPattern
                        && g.offset[lane].bitPattern == q.offsetGradient(v).bitPattern
                    #expect(same, "\(format) scale \(q.scale) offset \(q.offset) at \(x[lane])")
                }
            }
        }
    }
}
