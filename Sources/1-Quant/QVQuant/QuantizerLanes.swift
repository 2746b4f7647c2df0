/// `Quantizer`'s rounding rule and gradients on 16 values at once, for the trainer's hot loops:
/// lane for lane the same numbers as `code(_:)`, `fakeQuantize(_:)`, `straightThroughGradient(_:)`,
/// `stepSizeGradient(_:)` and `offsetGradient(_:)` (NaN and
/// ±inf clamp the same way). Rounding uses the 1.5·2²³ trick after clamping into the code range —
/// exact round-half-to-even there, since every code is an integer far below 2²² — so it needs no
/// SSE4.1 `roundps` at the baseline ISA.
extension Quantizer {
    /// The codes of `x`, as floats.
    @inlinable @inline(__always)
    public func codes(_ x: SIMD16<Float>) -> SIMD16<Float> {
        if format.scheme == .binarySign { return SIMD16(repeating: -1).replacing(with: 1, where: x .>= offset) }
        var r = (x - offset) * inverseScale
        r.replace(with: Float(format.codeMin), where: .!(r .>= Float(format.codeMin)))
        r.replace(with: Float(format.codeMax), where: r .> Float(format.codeMax))
        let magic: Float = 12_582_912
        return (r + magic) - magic
    }

    /// `fakeQuantize` of each lane: `scale · code + offset`.
    @inlinable @inline(__always)
    public func fakeQuantize(_ x: SIMD16<Float>) -> SIMD16<Float> { scale * codes(x) + offset }

    /// The three gradients of each lane from one normalisation and one code: the STE's input
    /// gradient, LSQ's step gradient and LSQ+'s offset gradient.
    @inlinable @inline(__always)
    public func gradients(_ x: SIMD16<Float>) -> (input: SIMD16<Float>, step: SIMD16<Float>, offset: SIMD16<Float>) {
        let v = (x - offset) * inverseScale, rounded = codes(x)
        let passes = format.scheme == .binarySign
            ? (v .>= -1) .& (v .<= 1)
            : (v .>= Float(format.codeMin)) .& (v .<= Float(format.codeMax))
        let one = SIMD16<Float>(repeating: 1), zero = SIMD16<Float>()
        let step = format.scheme == .binarySign ? rounded : rounded.replacing(with: rounded - v, where: passes)
        return (zero.replacing(with: one, where: passes), step, one.replacing(with: zero, where: passes))
    }
}
