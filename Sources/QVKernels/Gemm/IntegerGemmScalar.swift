/// Scalar reference for the integer GEMM: a triple loop over decoded codes, then the epilogue.

/// The reference accumulators acc[m][n] = Σ_k code_a(m, k) · code_w(n, k) (Int32, wrapping) as a
/// row-major M×N array, over K = min(`a.columns`, `w.columns`) (callers pass equal depths).
/// Works for any pair of formats; for testers and the graph-level reference.
public func integerGemmAccumulators(_ a: PackedMatrix, _ w: PackedMatrix) -> [Int32] {
    let rows = max(0, a.rows), columns = max(0, w.rows), depth = max(0, min(a.columns, w.columns))
    var accumulators = [Int32](repeating: 0, count: rows * columns)
    for m in 0..<rows {
        for n in 0..<columns {
            var sum: Int32 = 0
            for k in 0..<depth { sum &+= a.code(row: m, column: k) &* w.code(row: n, column: k) }
            accumulators[m * columns + n] = sum
        }
    }
    return accumulators
}

/// The `.scalar` path of `integerGemm`: reference accumulators, then the epilogue.
func integerGemmScalar(_ a: PackedMatrix, _ w: PackedMatrix, into destination: GemmDestination) {
    let accumulators = integerGemmAccumulators(a, w)
    let columns = w.rows
    for m in 0..<a.rows {
        for n in stride(from: 0, to: columns, by: 4) {
            var group = SIMD4<Int32>()
            for lane in 0..<min(4, columns - n) { group[lane] = accumulators[m * columns + n + lane] }
            destination.store(group, row: m, column: n)
        }
    }
}
