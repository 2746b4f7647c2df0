/// eˣ for FP32 without libm: Cody–Waite range reduction x = n·ln2 + r (|r| ≤ ln2/2), a degree-7
/// Taylor polynomial for eʳ (truncation error < 0.1 ulp), and scaling by 2ⁿ in two exact steps so
/// that subnormal results round once. Within 1.2 ulp of the true value (measured).
///
/// One 16-lane implementation, compiled by each ISA module with its own flags; the operations
/// are elementwise, so results are the same whichever way (and on whichever ISA) it is called.

extension Lanes16 {
    /// eˣ on each lane (≤ 1.2 ulp): `+inf` for x > 88.72, 0 for x < -103.97, NaN for NaN.
    @_alwaysEmitIntoClient @inline(__always)
    public static func exponential(_ x: SIMD16<Float>) -> SIMD16<Float> {
        // Beyond these bounds the result is +inf or 0 anyway; clamping keeps 2ⁿ's exponents normal.
        var clamped = x.replacing(with: 89, where: x .> 89)
        clamped.replace(with: -104, where: clamped .< -104)

        let roundingMagic: Float = 12_582_912  // 1.5·2²³: adding it rounds to an integer, ties to even
        let shifted = clamped * 1.442_695_04 + roundingMagic
        let n = shifted - roundingMagic
        let nBits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- Int32(bitPattern: roundingMagic.bitPattern)

        // ln2 split so that n·ln2High is exact for |n| ≤ 256.
        let ln2High: Float = 0.693_145_751_953_125
        let ln2Low: Float = 1.428_606_765_330_187_045e-6
        let r = (clamped - n * ln2High) - n * ln2Low

        var p = SIMD16<Float>(repeating: 1.0 / 5040)
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1

        // 2ⁿ = 2^(n/2) · 2^(n - n/2), both normal for n in -150...128.
        let half = nBits &>> 1
        let firstScale = unsafeBitCast((half &+ 127) &<< 23, to: SIMD16<Float>.self)
        let secondScale = unsafeBitCast((nBits &- half &+ 127) &<< 23, to: SIMD16<Float>.self)
        let result = p * firstScale * secondScale
        return result.replacing(with: x, where: x .!= x)
    }
}
