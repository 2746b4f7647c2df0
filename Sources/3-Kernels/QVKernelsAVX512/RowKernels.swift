#if arch(x86_64)
import CQVKernelsX86
import QVKernelsMath

// QVKernelsMath's row kernels compiled with this module's ISA flags. This one source file is
// part of QVKernelsAVX512 and (through a symlink) of QVKernelsAVX2; callers qualify the names by
// module (`QVKernelsAVX512.softmaxRow`). Call only after checking the CPU
// (KernelPath.isSupported). Same operations as every other path.

/// This module's instruction set, naming its copies of the shared math (the module name makes
/// the symbols of the two ISA modules distinct).
enum ModuleISA: VectorISA {
    /// One mask instruction (`vpmovd2m`, or two `vmovmskps`).
    @inline(__always)
    static func laneBits(_ mask: SIMDMask<SIMD16<Int32>>) -> UInt16 {
        qv_lane_bits(unsafeBitCast(mask, to: SIMD16<Int32>.self))
    }

    /// One `vcvtdq2ps`.
    @inline(__always)
    static func floats(_ integers: SIMD16<Int32>) -> SIMD16<Float> { qv_lane_floats(integers) }

    /// `pdep` on AVX-512 CPUs, shifts on AVX2.
    @inline(__always)
    static func interleaveBits(_ low: UInt16, _ high: UInt16) -> UInt32 { qv_interleave_bits(low, high) }
}

/// The shared row kernels compiled for this module's ISA.
typealias Kernels = Lanes16<ModuleISA>

/// Softmax of one row; see Lanes16.softmaxRow.
public func softmaxRow(_ values: UnsafeMutablePointer<Float>, count: Int) {
    Kernels.softmaxRow(values, count: count)
}

/// Softmax of one row (overwritten by its exponentials), quantized and packed without storing the
/// probabilities; see Lanes16.exponentiate.
public func softmaxQuantizeRow(_ values: UnsafeMutablePointer<Float>, count: Int, lanes: LaneQuantizer,
                               into destination: UnsafeMutableRawPointer, rowStride: Int) {
    let reciprocal = Kernels.exponentiate(values, count: count)
    Kernels.quantizePack(ScaledFloats(base: values, factor: reciprocal), rows: 1, columns: count, lanes: lanes,
                         into: destination, rowStride: rowStride)
}

/// The GEMM epilogue over a block of rows of Int32 accumulators; see Lanes16.epilogueBlock.
public func epilogueBlock(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, count: Int,
                          transform: AccumulatorTransform, _ p: EpilogueRowParameters, residualStride: Int,
                          output: UnsafeMutablePointer<Float>, outputStride: Int) {
    Kernels.epilogueBlock(accumulators, accumulatorStride: accumulatorStride, rows: rows, count: count, transform: transform,
                          p, residualStride: residualStride, output: output, outputStride: outputStride)
}

/// The codes-ending GEMM epilogue over a block of accumulators; see Lanes16.codesBlock.
public func codesBlock(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, count: Int,
                       transform: AccumulatorTransform, _ b: CodeBoundaries,
                       output: UnsafeMutableRawPointer, outputStride: Int, padBytes: Int) {
    Kernels.codesBlock(accumulators, accumulatorStride: accumulatorStride, rows: rows, count: count, transform: transform,
                       b, output: output, outputStride: outputStride, padBytes: padBytes)
}

/// FP32 GEMM on 16-column panels with its epilogue, in register tiles of `tiling` (8×32 suits
/// AVX-512's 32 zmm, 4×16 AVX2's 16 ymm); see Lanes16.floatPanelGemm.
public func floatPanelGemm(a: UnsafePointer<Float>, lda: Int, m: Int, b: FloatPanels, n: Int, k: Int,
                           _ p: EpilogueRowParameters, residualStride: Int,
                           output: UnsafeMutablePointer<Float>, outputStride: Int, tiling: FloatPanelTiling) {
    Kernels.floatPanelGemm(a: a, lda: lda, m: m, b: b, n: n, k: k, p, residualStride: residualStride,
                           output: output, outputStride: outputStride, tiling: tiling)
}

/// LayerNorm of one row; see Lanes16.layerNormRow.
public func layerNormRow(_ input: UnsafePointer<Float>, count: Int, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                         epsilon: Float, output: UnsafeMutablePointer<Float>) {
    Kernels.layerNormRow(input, count: count, gamma: gamma, beta: beta, epsilon: epsilon, output: output)
}

/// Quantize-and-pack of row-major FP32; see Lanes16.quantizePack.
public func quantizeRows(_ source: UnsafePointer<Float>, sourceStride: Int, rows: Int, columns: Int,
                         lanes: LaneQuantizer, into destination: UnsafeMutableRawPointer, rowStride: Int) {
    Kernels.quantizePack(RowMajorFloats(base: source, stride: sourceStride), rows: rows, columns: columns, lanes: lanes,
                         into: destination, rowStride: rowStride)
}
#endif
