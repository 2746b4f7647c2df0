/// Scalar reference for the integer GEMM: a triple loop over decoded codes, then the epilogue.

/// The reference accumulators acc[m][n] = Σ_k code_a(m, k) · code_w(n, k) (Int32, wrapping) as a
/// row-major M×N array, over K = min(`a.columns`, `w.columns`) (callers pass equal depths).
/// Works for any pair of formats; for testers and the graph-level reference.
public func integerGemmAccumulators(_ a: PackedMatrix, _ w: PackedMatrix) -> [Int32] {
    let rows = max(0, a.rows), columns = max(0, w.rows)
    var accumulators = [Int32](repeating: 0, count: rows * columns)
    accumulators.withUnsafeMutableBufferPointer { buffer in
        for m in 0..<rows { referenceRow(a, m, w, into: buffer.baseAddress! + m * columns) }
    }
    return accumulators
}

/// Row `m` of the reference accumulators (`w.rows` Int32s at `row`).
private func referenceRow(_ a: PackedMatrix, _ m: Int, _ w: PackedMatrix, into row: UnsafeMutablePointer<Int32>) {
    let depth = max(0, min(a.columns, w.columns))
    for n in 0..<max(0, w.rows) {
        var sum: Int32 = 0
        for k in 0..<depth { sum &+= a.code(row: m, column: k) &* w.code(row: n, column: k) }
        row[n] = sum
    }
}

/// The scratch of one `.scalar` multiply call: one row of accumulators.
func scalarMultiplyParts(_ shape: GemmShape) -> ScratchParts { ScratchParts(shape.columns * 4) }

/// The `.scalar` path of `integerGemm`: reference accumulators a row at a time in `scratch`
/// (`scalarMultiplyParts` bytes), then the epilogue, or the codes definition for that row.
func integerGemmScalar(_ a: PackedMatrix, _ w: PackedMatrix, scratch: UnsafeMutableRawPointer,
                       into destination: GemmDestination) {
    let columns = w.rows
    let row = scratch.bindMemory(to: Int32.self, capacity: columns)
    for m in 0..<a.rows {
        referenceRow(a, m, w, into: row)
        if case .codes = destination.target {
            destination.drainBlock(row, accumulatorStride: columns, rows: 1, firstRow: m, firstColumn: 0,
                                   count: columns, path: .scalar)
            continue
        }
        for n in stride(from: 0, to: columns, by: 4) {
            var group = SIMD4<Int32>()
            for lane in 0..<min(4, columns - n) { group[lane] = row[n + lane] }
            destination.store(group, row: m, column: n)
        }
    }
}
