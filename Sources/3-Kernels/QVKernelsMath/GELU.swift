/// Exact (erf-based) GELU: gelu(x) = x · 0.5 · (1 + erf(x / √2)), evaluated in that order in FP32
/// like PyTorch's `gelu(approximate='none')`; 16 lanes, elementwise, identical on every ISA.

extension Lanes16 {
    /// GELU on each lane.
    @_alwaysEmitIntoClient @inline(__always)
    public static func gelu(_ x: SIMD16<Float>) -> SIMD16<Float> {
        x * 0.5 * (1 + errorFunction(x * 0.707_106_781_186_547_524))
    }
}
