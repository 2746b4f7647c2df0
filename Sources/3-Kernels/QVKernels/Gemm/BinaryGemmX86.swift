/// The x86-64 counting kernels of the 1-bit GEMM (AVX2 nibble lookups in C, qv_binary.h; AVX-512
/// VPOPCNTDQ in Swift SIMD in the QVKernelsAVX512 target), bound to the combine rules.
#if arch(x86_64)
import CQVKernelsX86
import QVKernelsAVX512

extension BinaryCountBlock {
    /// Counts this block with the AVX2 kernel, `combine` a QV_BINARY_* rule.
    func countAVX2(combine: Int32) {
        qv_binary_counts_avx2(
            combine, panels.storage, 2 * panels.panelPairs, panels.words, weights.assumingMemoryBound(to: UInt8.self),
            weightStride, weightRows, panels.lastWordMask, kernelScratch.assumingMemoryBound(to: UInt64.self), counts,
            BinaryCountBlock.countStride)
    }
}

extension XorPopcount {
    static func countAVX2(_ b: BinaryCountBlock) { b.countAVX2(combine: Int32(QV_BINARY_XOR)) }

    static func countAVX512(_ b: BinaryCountBlock) {
        xorPopcountCountsAVX512(
            activationPanels: b.panels.storage, panelPairs: b.panels.panelPairs, words: b.panels.words,
            weights: b.weights, weightStride: b.weightStride, weightRows: b.weightRows,
            lastWordMask: b.panels.lastWordMask, counts: b.counts,
            countStride: BinaryCountBlock.countStride)
    }
}

extension AndPopcount {
    static func countAVX2(_ b: BinaryCountBlock) { b.countAVX2(combine: Int32(QV_BINARY_AND)) }

    static func countAVX512(_ b: BinaryCountBlock) {
        andPopcountCountsAVX512(
            activationPanels: b.panels.storage, panelPairs: b.panels.panelPairs, words: b.panels.words,
            weights: b.weights, weightStride: b.weightStride, weightRows: b.weightRows,
            lastWordMask: b.panels.lastWordMask, counts: b.counts,
            countStride: BinaryCountBlock.countStride)
    }
}
#endif
