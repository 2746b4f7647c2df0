import QVKernelsMath

/// tanh for FP32 without libm (QVKernelsMath's lane-generic `hyperbolicTangent`): the scalar
/// form, the in-place form and every GEMM epilogue share it, so all give identical bits.

/// tanh(x) within 1.6 ulp; ±1 for ±inf, NaN for NaN.
public func hyperbolicTangent(_ x: Float) -> Float {
    BaselineKernels.hyperbolicTangent(SIMD16(repeating: x))[0]
}

/// Replaces each of `count` floats at `values` by its tanh.
public func hyperbolicTangentInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    applyInPlace(values, count: count, BaselineKernels.hyperbolicTangent)
}
