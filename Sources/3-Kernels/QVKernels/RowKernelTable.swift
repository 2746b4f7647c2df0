import QVKernelsMath
#if arch(x86_64)
import QVKernelsAVX2
import QVKernelsAVX512
#endif

/// The row kernels of one instruction set as function values, one table per ISA built once: the
/// kernels look up `RowKernelTable.of(path)` instead of switching on the path at every call, and
/// a new ISA fills one table. The scalar path keeps its own reference code where it has one.
struct RowKernelTable: Sendable {
    /// Softmax of one row in place (values, count).
    let softmaxRow: @Sendable (UnsafeMutablePointer<Float>, Int) -> Void
    /// Softmax of one row quantized and packed (values, count, lanes, destination, row stride).
    let softmaxQuantizeRow: @Sendable (UnsafeMutablePointer<Float>, Int, LaneQuantizer, UnsafeMutableRawPointer, Int) -> Void
    /// The FP32 epilogue over a block of accumulators (accumulators, stride, rows, count,
    /// transform, parameters, residual stride, output, output stride).
    let epilogueBlock: @Sendable (UnsafePointer<Int32>, Int, Int, Int, AccumulatorTransform, EpilogueRowParameters, Int,
                        UnsafeMutablePointer<Float>, Int) -> Void
    /// The codes epilogue over a block of accumulators (accumulators, stride, rows, count,
    /// transform, boundaries, output, output stride, pad bytes).
    let codesBlock: @Sendable (UnsafePointer<Int32>, Int, Int, Int, AccumulatorTransform, CodeBoundaries,
                     UnsafeMutableRawPointer, Int, Int) -> Void
    /// The FP32 panel GEMM (a, lda, m, b, n, k, parameters, residual stride, output, output
    /// stride, tiling), run with `floatTiling`.
    let floatPanelGemm: @Sendable (UnsafePointer<Float>, Int, Int, FloatPanels, Int, Int, EpilogueRowParameters, Int,
                         UnsafeMutablePointer<Float>, Int, FloatPanelTiling) -> Void
    /// The register tiling of `floatPanelGemm` on this ISA.
    let floatTiling: FloatPanelTiling
    /// LayerNorm of one row (input, count, gamma, beta, epsilon, output).
    let layerNormRow: @Sendable (UnsafePointer<Float>, Int, UnsafePointer<Float>, UnsafePointer<Float>, Float,
                       UnsafeMutablePointer<Float>) -> Void
    /// Quantize-and-pack of row-major rows (source, stride, rows, columns, lanes, destination,
    /// row stride); nil where the portable implementation runs instead.
    let quantizeRows: (@Sendable (UnsafePointer<Float>, Int, Int, Int, LaneQuantizer, UnsafeMutableRawPointer, Int) -> Void)?

    /// The table of `path`: its ISA's, or the baseline's for the scalar, portable and NEON paths
    /// and for x86 paths on other architectures.
    @inline(__always)
    static func of(_ path: KernelPath) -> RowKernelTable {
        switch path {
        #if arch(x86_64)
        case .avx512: return avx512
        case .avx2: return avx2
        #endif
        default: return baseline
        }
    }

    /// The baseline ISA's kernels (SSE2 on x86-64, NEON on ARM64).
    static let baseline = RowKernelTable(
        softmaxRow: BaselineKernels.softmaxRow, softmaxQuantizeRow: baselineSoftmaxQuantizeRow,
        epilogueBlock: BaselineKernels.epilogueBlock, codesBlock: BaselineKernels.codesBlock,
        floatPanelGemm: BaselineKernels.floatPanelGemm, floatTiling: baselineFloatTiling,
        layerNormRow: BaselineKernels.layerNormRow, quantizeRows: nil)

    #if arch(x86_64)
    /// The AVX-512 module's kernels.
    static let avx512 = RowKernelTable(
        softmaxRow: QVKernelsAVX512.softmaxRow, softmaxQuantizeRow: QVKernelsAVX512.softmaxQuantizeRow,
        epilogueBlock: QVKernelsAVX512.epilogueBlock, codesBlock: QVKernelsAVX512.codesBlock,
        floatPanelGemm: QVKernelsAVX512.floatPanelGemm, floatTiling: .eightByTwo,
        layerNormRow: QVKernelsAVX512.layerNormRow, quantizeRows: QVKernelsAVX512.quantizeRows)

    /// The AVX2 module's kernels.
    static let avx2 = RowKernelTable(
        softmaxRow: QVKernelsAVX2.softmaxRow, softmaxQuantizeRow: QVKernelsAVX2.softmaxQuantizeRow,
        epilogueBlock: QVKernelsAVX2.epilogueBlock, codesBlock: QVKernelsAVX2.codesBlock,
        floatPanelGemm: QVKernelsAVX2.floatPanelGemm, floatTiling: .fourByOne,
        layerNormRow: QVKernelsAVX2.layerNormRow, quantizeRows: QVKernelsAVX2.quantizeRows)
    #endif
}

/// The baseline FP32 GEMM tiling: fused multiply-add where the ISA has it (ARM64), else unfused.
#if arch(arm64)
private let baselineFloatTiling: FloatPanelTiling = .fourByOne
#else
private let baselineFloatTiling: FloatPanelTiling = .fourByOneUnfused
#endif

/// Softmax of one row quantized and packed with the baseline kernels: exponentials, then
/// quantize-and-pack of the scaled row.
private func baselineSoftmaxQuantizeRow(_ values: UnsafeMutablePointer<Float>, count: Int, lanes: LaneQuantizer,
                                        into destination: UnsafeMutableRawPointer, rowStride: Int) {
    let reciprocal = BaselineKernels.exponentiate(values, count: count)
    BaselineKernels.quantizePack(ScaledFloats(base: values, factor: reciprocal), rows: 1, columns: count, lanes: lanes,
                                 into: destination, rowStride: rowStride)
}
