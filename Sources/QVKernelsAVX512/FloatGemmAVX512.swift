#if arch(x86_64)
import QVKernelsMath

// The FP32 GEMM and its in-place epilogue, compiled with AVX-512 flags (zmm FMAs).

/// The GEMM epilogue over one row of FP32 sums, in place; see Lanes16.epilogueRowInPlace.
public func epilogueRowInPlaceAVX512(_ output: UnsafeMutablePointer<Float>, count: Int, _ p: EpilogueRowParameters) {
    Kernels.epilogueRowInPlace(output, count: count, p)
}

/// Raw FP32 dot-product GEMM sums; see Lanes16.floatDotGemm.
public func floatGemmAVX512(a: UnsafePointer<Float>, lda: Int, w: UnsafePointer<Float>, ldw: Int, m: Int, n: Int, k: Int,
                            output: UnsafeMutablePointer<Float>, outputStride: Int) {
    Kernels.floatDotGemm(a: a, lda: lda, w: w, ldw: ldw, m: m, n: n, k: k, output: output, outputStride: outputStride)
}

/// FP32 GEMM on 16-column panels with its epilogue, 8×32 register tiles; see Lanes16.floatPanelGemm.
public func floatPanelGemmAVX512(a: UnsafePointer<Float>, lda: Int, m: Int, b: FloatPanels, n: Int, k: Int,
                                 _ p: EpilogueRowParameters, residualStride: Int,
                                 output: UnsafeMutablePointer<Float>, outputStride: Int) {
    Kernels.floatPanelGemm(a: a, lda: lda, m: m, b: b, n: n, k: k, p, residualStride: residualStride,
                           output: output, outputStride: outputStride, tiling: .eightByTwo)
}
#endif
