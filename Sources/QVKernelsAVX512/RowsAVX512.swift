#if arch(x86_64)
import QVKernelsMath

// QVKernelsMath's row kernels compiled with this module's ISA flags. Call only after checking
// the CPU (KernelPath.isSupported). Same operations as every other path.

/// This module's instruction set, naming its copies of the shared math.
enum AVX512ISA: VectorISA {}

/// The shared row kernels compiled for AVX512.
typealias Kernels = Lanes16<AVX512ISA>

/// Softmax of one row; see QVKernelsMath.softmaxRow.
public func softmaxRowAVX512(_ values: UnsafeMutablePointer<Float>, count: Int) {
    Kernels.softmaxRow(values, count: count)
}

/// The GEMM epilogue over a block of rows of Int32 accumulators; see Lanes16.epilogueBlock.
public func epilogueBlockAVX512(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, count: Int,
                               transform: AccumulatorTransform, _ p: EpilogueRowParameters, residualStride: Int,
                               output: UnsafeMutablePointer<Float>, outputStride: Int) {
    Kernels.epilogueBlock(accumulators, accumulatorStride: accumulatorStride, rows: rows, count: count, transform: transform,
                          p, residualStride: residualStride, output: output, outputStride: outputStride)
}

/// The GEMM epilogue over one row of FP32 sums, in place; see QVKernelsMath.epilogueRowInPlace.
public func epilogueRowInPlaceAVX512(_ output: UnsafeMutablePointer<Float>, count: Int, _ p: EpilogueRowParameters) {
    Kernels.epilogueRowInPlace(output, count: count, p)
}

/// Quantize-and-pack of row-major FP32; see QVKernelsMath.quantizePack.
public func quantizeRowsAVX512(_ source: UnsafePointer<Float>, sourceStride: Int, rows: Int, columns: Int,
                             lanes: LaneQuantizer, into destination: UnsafeMutableRawPointer, rowStride: Int) {
    Kernels.quantizePack(RowMajorFloats(base: source, stride: sourceStride), rows: rows, columns: columns, lanes: lanes,
                 into: destination, rowStride: rowStride)
}

/// Raw FP32 dot-product GEMM sums; see QVKernelsMath.floatDotGemm.
public func floatGemmAVX512(a: UnsafePointer<Float>, lda: Int, w: UnsafePointer<Float>, ldw: Int, m: Int, n: Int, k: Int,
                          output: UnsafeMutablePointer<Float>, outputStride: Int) {
    Kernels.floatDotGemm(a: a, lda: lda, w: w, ldw: ldw, m: m, n: n, k: k, output: output, outputStride: outputStride)
}
#endif
