import QVKernelsMath

/// FP32 GEMM against a right-hand side in 16-column panels (`FloatPanels`, e.g. linear weights
/// packed by `packFloatPanels`): out[m·ldo + n] = epilogue(Σ_k a[m·lda + k] · B[k][n]). Paths
/// may differ by summation order and fusing only. This file holds the entry point and the
/// scalar reference.

/// A K×N FP32 matrix in 16-column panels; see QVKernelsMath's `FloatPanels`.
public typealias FloatPanels = QVKernelsMath.FloatPanels

/// Multiplies `m`×`k` activations `a` (rows `lda` apart) by the `k`×`n` panels `b` and writes the
/// epilogue of each sum to `output[row * outputStride + column]`. The residual may be the output
/// itself. Empty shapes write nothing (K = 0 writes the epilogue of zero).
public func floatPanelGemm(
    a: UnsafePointer<Float>, lda: Int, b: FloatPanels, m: Int, n: Int, k: Int,
    epilogue: Epilogue, output: UnsafeMutablePointer<Float>, outputStride: Int, path: KernelPath
) {
    guard m > 0, n > 0, k >= 0 else { return }
    guard path != .scalar else {
        return floatPanelGemmScalar(a: a, lda: lda, b: b, m: m, n: n, k: k,
                                    into: GemmDestination(.floats(epilogue, output: output, outputStride: outputStride), columns: n))
    }
    let kernels = RowKernelTable.of(path)
    kernels.floatPanelGemm(a, lda, m, b, n, k, epilogue.rowParameters(row: 0), epilogue.residualStride, output, outputStride,
                           kernels.floatTiling)
}

/// Sequential sums in k (multiply, then add), four output columns at a time into the epilogue.
private func floatPanelGemmScalar(a: UnsafePointer<Float>, lda: Int, b: FloatPanels, m: Int, n: Int, k: Int,
                                  into destination: GemmDestination) {
    for row in 0..<m {
        for column in stride(from: 0, to: n, by: 4) {
            var sums = SIMD4<Float>()
            for lane in 0..<min(4, n - column) {
                let j = column + lane
                let panel = b.base + (j / 16) * b.panelStride + j % 16
                var sum: Float = 0
                for index in 0..<k { sum += a[row * lda + index] * panel[index * b.rowStride] }
                sums[lane] = sum
            }
            destination.store(sums, row: row, column: column)
        }
    }
}
