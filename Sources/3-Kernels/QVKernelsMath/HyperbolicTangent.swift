/// tanh(x) for FP32 without libm, within 1.6 ulp (measured on every 13th float up to 12):
/// - |x| < atanh(½): x + x·x²·P(x²), P of degree 4, a relative-error near-minimax fit made for
///   qv in high precision (Lawson-iterated least squares, each coefficient rounded to FP32 in
///   turn with the remaining ones refitted);
/// - |x| ≥ atanh(½): 1 − 2 / (e^(2|x|) + 1), where the result is at least ½, so the
///   subtraction loses nothing; it reaches 1 where e^(2|x|) swamps the sum, ±inf included.
/// The sign is copied from x (tanh is odd), NaN stays NaN.
///
/// One 16-lane implementation, elementwise, identical on every ISA.

extension Lanes16 {
    /// tanh on each lane (≤ 1.6 ulp); ±1 for ±inf, NaN for NaN.
    @_alwaysEmitIntoClient @inline(__always)
    public static func hyperbolicTangent(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let signBit = SIMD16<UInt32>(repeating: 0x8000_0000)
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let a = unsafeBitCast(bits & ~signBit, to: SIMD16<Float>.self)

        // Near zero: tanh(a) = a + a·u·P(u), u = a².
        let u = a * a
        var p = SIMD16<Float>(repeating: -6.245_118_566e-03)
        p = p * u + 2.105_207_741e-02
        p = p * u - 5.384_780_467e-02
        p = p * u + 1.333_254_576e-01
        p = p * u - 3.333_331_645e-01
        let near = a + (a * u) * p

        // Beyond: 1 − 2 / (e^(2a) + 1).
        let far = 1 - 2 / (exponential(a + a) + 1)

        let magnitude = near.replacing(with: far, where: .!(a .< 5.493_061_543e-01))
        return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD16<UInt32>.self) | (bits & signBit), to: SIMD16<Float>.self)
    }
}
