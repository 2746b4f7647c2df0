import QVKernelsMath

/// erf for FP32 without libm (QVKernelsMath's lane-generic `errorFunction`, one lane).

/// erf(x) with absolute error ≤ 1.4·10⁻⁷; ±1 for ±inf, NaN for NaN.
public func errorFunction(_ x: Float) -> Float {
    BaselineKernels.errorFunction(SIMD16(repeating: x))[0]
}
