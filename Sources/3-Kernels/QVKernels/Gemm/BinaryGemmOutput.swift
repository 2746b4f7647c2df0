import QVKernelsMath

/// The last step of the 1-bit GEMM: a block of popcounts → dot products → the shared epilogue,
/// in one pass of the block kernel compiled for the path's ISA (`GemmDestination.drainBlock`).
/// The popcount-to-dot-product map is an Int32 affine transform in wrapping arithmetic and the
/// epilogue is elementwise, so outputs are bit-identical across paths.

/// Finishes one block of counts (`counts[m * BinaryCountBlock.countStride + n]` for output rows
/// `0..<rows`, columns `firstColumn ..< firstColumn + columns`).
func storeBinaryCounts<Combine: PopcountCombine>(
    _ counts: UnsafeMutablePointer<Int32>, panels: BinaryActivationPanels, rows: Int, firstColumn: Int, columns: Int,
    depth: Int32, combine: Combine.Type, path: KernelPath, into destination: GemmDestination
) {
    destination.drainBlock(counts, accumulatorStride: BinaryCountBlock.countStride, rows: rows, firstRow: 0,
                           firstColumn: firstColumn, count: columns,
                           transform: Combine.transform(depth: depth, activationOnes: panels.ones), path: path)
}

extension XorPopcount {
    /// ±1 × ±1: dot = K − 2·count.
    static func transform(depth: Int32, activationOnes: UnsafePointer<Int32>) -> AccumulatorTransform {
        AccumulatorTransform(multiplier: -2, constant: depth, rowAddends: nil, rowScale: 0)
    }
}

extension AndPopcount {
    /// {0,1} × ±1: dot = 2·count − ones(row).
    static func transform(depth: Int32, activationOnes: UnsafePointer<Int32>) -> AccumulatorTransform {
        AccumulatorTransform(multiplier: 2, constant: 0, rowAddends: activationOnes, rowScale: -1)
    }
}
