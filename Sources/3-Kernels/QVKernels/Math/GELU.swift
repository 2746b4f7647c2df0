import QVKernelsMath

/// Exact (erf-based) GELU for FP32 (QVKernelsMath's lane-generic `gelu`): one implementation
/// serves the scalar form, the in-place form and every GEMM epilogue, so all give identical bits.

/// GELU of one value.
public func gelu(_ x: Float) -> Float {
    BaselineKernels.gelu(SIMD16(repeating: x))[0]
}

/// Replaces each of `count` floats at `values` by its GELU.
public func geluInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    applyInPlace(values, count: count, BaselineKernels.gelu)
}

/// Replaces each of `count` floats at `values` by `function` of it, 16 lanes at a time (the
/// tail padded with zeros, which are never stored).
@inline(__always)
func applyInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, _ function: (SIMD16<Float>) -> SIMD16<Float>) {
    guard count > 0 else { return }
    var index = 0
    while index + 16 <= count {
        BaselineKernels.storeSixteen(function(BaselineKernels.loadSixteen(values + index)), to: values + index)
        index += 16
    }
    if index < count {
        let n = count - index
        BaselineKernels.storeSixteen(function(BaselineKernels.loadSixteen(values + index, count: n, filler: 0)), to: values + index, count: n)
    }
}
