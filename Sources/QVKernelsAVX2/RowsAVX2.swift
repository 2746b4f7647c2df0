#if arch(x86_64)
import QVKernelsMath

// QVKernelsMath's row kernels compiled with this module's ISA flags. Call only after checking
// the CPU (KernelPath.isSupported). Same operations as every other path.

/// This module's instruction set, naming its copies of the shared math.
enum AVX2ISA: VectorISA {}

/// The shared row kernels compiled for AVX2.
typealias Kernels = Lanes16<AVX2ISA>

/// Softmax of one row; see QVKernelsMath.softmaxRow.
public func softmaxRowAVX2(_ values: UnsafeMutablePointer<Float>, count: Int) {
    Kernels.softmaxRow(values, count: count)
}

/// The GEMM epilogue over a block of rows of Int32 accumulators; see Lanes16.epilogueBlock.
public func epilogueBlockAVX2(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, count: Int,
                               transform: AccumulatorTransform, _ p: EpilogueRowParameters, residualStride: Int,
                               output: UnsafeMutablePointer<Float>, outputStride: Int) {
    Kernels.epilogueBlock(accumulators, accumulatorStride: accumulatorStride, rows: rows, count: count, transform: transform,
                          p, residualStride: residualStride, output: output, outputStride: outputStride)
}

/// Quantize-and-pack of row-major FP32; see QVKernelsMath.quantizePack.
public func quantizeRowsAVX2(_ source: UnsafePointer<Float>, sourceStride: Int, rows: Int, columns: Int,
                             lanes: LaneQuantizer, into destination: UnsafeMutableRawPointer, rowStride: Int) {
    Kernels.quantizePack(RowMajorFloats(base: source, stride: sourceStride), rows: rows, columns: columns, lanes: lanes,
                 into: destination, rowStride: rowStride)
}

#endif
