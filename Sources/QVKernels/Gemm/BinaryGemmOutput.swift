/// The last step of the 1-bit GEMM: counts → dot products (in place) → the shared 16-lane row
/// epilogue compiled for the path's ISA (`GemmDestination.drainRow`) → output. The epilogue's
/// operations are the same on every path, so outputs are bit-identical across paths.

/// Finishes one block of counts (`counts[m * BinaryCountBlock.countStride + n]` for output rows
/// `0..<rows`, columns `firstColumn ..< firstColumn + columns`), overwriting the counts with the
/// dot products they stand for.
func storeBinaryCounts<Combine: PopcountCombine>(
    _ counts: UnsafeMutablePointer<Int32>, panels: BinaryActivationPanels, rows: Int, firstColumn: Int, columns: Int,
    depth: Int32, combine: Combine.Type, path: KernelPath, into destination: GemmDestination
) {
    for row in 0..<rows {
        let rowCounts = counts + row * BinaryCountBlock.countStride
        let ones = panels.ones[row]
        var column = 0
        while column + 4 <= columns {
            let raw = UnsafeMutableRawPointer(rowCounts + column)
            let dots = Combine.dotProducts(counts: raw.loadUnaligned(as: SIMD4<Int32>.self), depth: depth, activationOnes: ones)
            raw.storeBytes(of: dots, as: SIMD4<Int32>.self)
            column += 4
        }
        for tail in column..<columns {
            rowCounts[tail] = Combine.dotProducts(counts: SIMD4(repeating: rowCounts[tail]), depth: depth, activationOnes: ones)[0]
        }
        destination.drainRow(rowCounts, row: row, firstColumn: firstColumn, count: columns, path: path)
    }
}
