/// The x86-64 counting kernels of the 1-bit GEMM (Swift SIMD built for AVX2 and for AVX-512 in
/// the QVKernelsAVX2 / QVKernelsAVX512 targets), bound to the combine rules.
#if arch(x86_64)
import QVKernelsAVX2
import QVKernelsAVX512

extension XorPopcount {
    static func countAVX2(_ b: BinaryCountBlock) {
        xorPopcountCountsAVX2(
            activationPanels: b.panels.storage, panelPairs: b.panels.panelPairs, words: b.panels.words,
            weights: b.weights, weightStride: b.weightStride, weightRows: b.weightRows,
            lastWordMask: b.panels.lastWordMask, counts: b.counts,
            countStride: BinaryCountBlock.countStride)
    }

    static func countAVX512(_ b: BinaryCountBlock) {
        xorPopcountCountsAVX512(
            activationPanels: b.panels.storage, panelPairs: b.panels.panelPairs, words: b.panels.words,
            weights: b.weights, weightStride: b.weightStride, weightRows: b.weightRows,
            lastWordMask: b.panels.lastWordMask, counts: b.counts,
            countStride: BinaryCountBlock.countStride)
    }
}

extension AndPopcount {
    static func countAVX2(_ b: BinaryCountBlock) {
        andPopcountCountsAVX2(
            activationPanels: b.panels.storage, panelPairs: b.panels.panelPairs, words: b.panels.words,
            weights: b.weights, weightStride: b.weightStride, weightRows: b.weightRows,
            lastWordMask: b.panels.lastWordMask, counts: b.counts,
            countStride: BinaryCountBlock.countStride)
    }

    static func countAVX512(_ b: BinaryCountBlock) {
        andPopcountCountsAVX512(
            activationPanels: b.panels.storage, panelPairs: b.panels.panelPairs, words: b.panels.words,
            weights: b.weights, weightStride: b.weightStride, weightRows: b.weightRows,
            lastWordMask: b.panels.lastWordMask, counts: b.counts,
            countStride: BinaryCountBlock.countStride)
    }
}
#endif
