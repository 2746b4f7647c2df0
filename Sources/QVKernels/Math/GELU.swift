/// Exact (erf-based) GELU: gelu(x) = x · 0.5 · (1 + erf(x / √2)), evaluated in that order in FP32
/// like PyTorch's `gelu(approximate='none')`. One four-lane implementation serves the scalar
/// form, the in-place array form and the GEMM epilogues, so all give identical bits.

/// GELU of one value.
public func gelu(_ x: Float) -> Float {
    gelu(SIMD4(repeating: x))[0]
}

/// Replaces each of `count` floats at `values` by its GELU.
public func geluInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    let raw = UnsafeMutableRawPointer(values)
    let fullGroups = count / 4
    for group in 0..<fullGroups {
        let x = raw.loadUnaligned(fromByteOffset: group * 16, as: SIMD4<Float>.self)
        raw.storeBytes(of: gelu(x), toByteOffset: group * 16, as: SIMD4<Float>.self)
    }
    for index in fullGroups * 4..<count { values[index] = gelu(values[index]) }
}

/// GELU on each lane.
@inline(__always)
func gelu(_ x: SIMD4<Float>) -> SIMD4<Float> {
    x * 0.5 * (1 + errorFunction(x * 0.707_106_781_186_547_524))
}
