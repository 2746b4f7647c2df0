/// LayerNorm of one row in FP32, two-pass: mean = Σx/n, variance = Σ(x − mean)²/n (biased), then
/// out = (x − mean) · (1/√(variance + ε)) · γ + β. Sums run in 16 lanes reduced by `treeSum`, so
/// every ISA gives the same bits.
extension Lanes16 {
    /// Normalises `count` floats at `input` into `output` (which may equal `input`).
    @_alwaysEmitIntoClient @inline(__always)
    public static func layerNormRow(_ input: UnsafePointer<Float>, count: Int, gamma: UnsafePointer<Float>,
                                    beta: UnsafePointer<Float>, epsilon: Float, output: UnsafeMutablePointer<Float>) {
        guard count > 0 else { return }
        let full = count / 16, tail = count % 16, n = Float(count)
        var sums = SIMD16<Float>()
        for chunk in 0..<full { sums += loadSixteen(input + chunk * 16) }
        if tail > 0 { sums += loadSixteen(input + full * 16, count: tail, filler: 0) }
        let mean = treeSum(sums) / n
        var squares = SIMD16<Float>()
        for chunk in 0..<full {
            let d = loadSixteen(input + chunk * 16) - mean
            squares += d * d
        }
        if tail > 0 {
            let d = (loadSixteen(input + full * 16, count: tail, filler: 0) - mean)
                .replacing(with: 0, where: SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= Int32(tail))
            squares += d * d
        }
        let inverseDeviation = 1 / (treeSum(squares) / n + epsilon).squareRoot()
        for chunk in 0..<full {
            let at = chunk * 16
            storeSixteen((loadSixteen(input + at) - mean) * inverseDeviation * loadSixteen(gamma + at) + loadSixteen(beta + at),
                         to: output + at)
        }
        if tail > 0 {
            let at = full * 16
            let v = (loadSixteen(input + at, count: tail, filler: 0) - mean) * inverseDeviation
                * loadSixteen(gamma + at, count: tail, filler: 0) + loadSixteen(beta + at, count: tail, filler: 0)
            storeSixteen(v, to: output + at, count: tail)
        }
    }
}
