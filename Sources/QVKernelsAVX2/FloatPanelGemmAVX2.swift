#if arch(x86_64)
import QVKernelsMath

/// FP32 GEMM on 16-column panels with its epilogue, 4×16 register tiles (AVX2 + FMA); see
/// Lanes16.floatPanelGemm.
public func floatPanelGemmAVX2(a: UnsafePointer<Float>, lda: Int, m: Int, b: FloatPanels, n: Int, k: Int,
                               _ p: EpilogueRowParameters, residualStride: Int,
                               output: UnsafeMutablePointer<Float>, outputStride: Int) {
    Kernels.floatPanelGemm(a: a, lda: lda, m: m, b: b, n: n, k: k, p, residualStride: residualStride,
                           output: output, outputStride: outputStride, tiling: .fourByOne)
}
#endif
