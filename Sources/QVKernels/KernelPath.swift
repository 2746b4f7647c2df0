/// Which implementation of a kernel runs. Every public kernel takes one, so that testers can
/// compare an optimised path against the reference on the same inputs.
///
/// Integer GEMMs, quantization and the float helpers give bit-identical results on every path;
/// `floatGemm` may differ between paths by summation order only.
public enum KernelPath: Sendable, CaseIterable {
    /// The plain scalar reference: obviously correct, slow.
    case scalar
    /// Portable SIMD Swift (`SIMDn` types: SSE2 on baseline x86-64, NEON on ARM64).
    case portable
}
