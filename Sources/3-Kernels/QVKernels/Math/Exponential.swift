import QVKernelsMath

/// eˣ for FP32 without libm (QVKernelsMath's lane-generic `exponential`, one lane).

/// eˣ (≤ 1.2 ulp): `+inf` for x > 88.72, 0 for x < -103.97, NaN for NaN.
public func exponential(_ x: Float) -> Float {
    BaselineKernels.exponential(SIMD16(repeating: x))[0]
}
