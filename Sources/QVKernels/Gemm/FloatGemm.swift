import QVKernelsMath
#if arch(x86_64)
import QVKernelsAVX512
#endif

/// FP32 GEMM with weights stored N×K (PyTorch Linear layout):
/// out[m·ldo + n] = epilogue(Σ_k a[m·lda + k] · w[n·ldw + k]). Paths may differ by summation
/// order only. This file holds the entry point and the scalar reference.

/// Multiplies `m`×`k` activations `a` by the transpose of `n`×`k` weights `w` and writes the
/// epilogue of each sum to `output[row * outputStride + column]`. Empty shapes write nothing.
public func floatGemm(
    a: UnsafePointer<Float>, lda: Int, w: UnsafePointer<Float>, ldw: Int, m: Int, n: Int, k: Int,
    epilogue: Epilogue, output: UnsafeMutablePointer<Float>, outputStride: Int, path: KernelPath
) {
    guard m > 0, n > 0, k >= 0 else { return }
    #if arch(x86_64)
    if path == .avx512, !epilogue.residualMayAlias(output) {
        floatGemmAVX512(a: a, lda: lda, w: w, ldw: ldw, m: m, n: n, k: k, output: output, outputStride: outputStride)
        for row in 0..<m { epilogueRowInPlaceAVX512(output + row * outputStride, count: n, epilogue.rowParameters(row: row)) }
        return
    }
    #endif
    let operands = FloatGemmOperands(a: a, lda: lda, w: w, ldw: ldw, rows: m, columns: n, depth: k)
    let destination = GemmDestination(epilogue: epilogue, output: output, outputStride: outputStride, columns: n)
    switch path {
    case .scalar: floatGemmScalar(operands, into: destination)
    case .portable, .avx2, .avx512, .neon: floatGemmPortable(operands, into: destination)
    }
}

/// The operands of a float GEMM.
struct FloatGemmOperands {
    let a: UnsafePointer<Float>
    let lda: Int
    let w: UnsafePointer<Float>
    let ldw: Int
    /// M, N and K.
    let rows: Int, columns: Int, depth: Int
}

/// Sequential sums in k, four output columns at a time into the epilogue.
private func floatGemmScalar(_ operands: FloatGemmOperands, into destination: GemmDestination) {
    for row in 0..<operands.rows {
        for column in stride(from: 0, to: operands.columns, by: 4) {
            var sums = SIMD4<Float>()
            for lane in 0..<min(4, operands.columns - column) {
                var sum: Float = 0
                for index in 0..<operands.depth {
                    sum += operands.a[row * operands.lda + index] * operands.w[(column + lane) * operands.ldw + index]
                }
                sums[lane] = sum
            }
            destination.store(sums, row: row, column: column)
        }
    }
}
