import COpenBLAS

/// A matrix of integer codes `[rows, columns]` held as floats for OpenBLAS, whose products with
/// other codes are exact: every partial sum of a row product is an integer no larger than
/// Σ|a|·max|b|, and up to 2^24 every FP32 sum of such integers is exact in any order — so sgemm
/// gives the integer accumulator itself. Past 2^24 (8-bit codes over long rows) the product runs
/// in FP64, exact to 2^53.
struct CodeMatrix {
    /// Rows (output features of a weight matrix) and codes per row.
    let rows: Int, columns: Int
    /// Codes, row-major.
    let codes: [Float]
    /// The largest |code|.
    let largest: Float
    /// The codes in FP64 when some input of `inputLargest` could overflow FP32's exact range.
    private let wide: [Double]?

    /// Codes `codes` `[rows, columns]`, multiplied by inputs whose codes are at most `inputLargest` in magnitude.
    init(codes: [Int32], rows: Int, columns: Int, inputLargest: Int32) {
        precondition(codes.count == rows * columns, "CodeMatrix: \(codes.count) codes for \(rows) × \(columns)")
        self.rows = rows
        self.columns = columns
        self.codes = codes.map(Float.init)
        largest = Float(codes.lazy.map { abs($0) }.max() ?? 0)
        wide = Double(columns) * Double(inputLargest) * Double(largest) > Self.exactFloat ? codes.map(Double.init) : nil
    }

    /// Integers FP32 holds exactly.
    private static let exactFloat = Double(1 << 24)

    /// The accumulators `x · selfᵀ` `[m, rows]` of codes `x` `[m, columns]`, exact, as FP32 (each
    /// rounded once, as the runtime converts its Int32 accumulators).
    func products(_ x: [Float], rows m: Int) -> [Float] {
        precondition(x.count == m * columns, "CodeMatrix: \(x.count) input codes for \(m) × \(columns)")
        var out = [Float](repeating: 0, count: m * rows)
        guard m > 0, rows > 0, columns > 0 else { return out }
        var bound: Float = 0
        for r in 0..<m { bound = max(bound, x[(r * columns)..<((r + 1) * columns)].reduce(0) { $0 + abs($1) }) }
        if Double(bound) * Double(largest) <= Self.exactFloat {
            BLAS.serialGemm(transposeA: false, transposeB: true, m: m, n: rows, k: columns, x, lda: columns, codes, ldb: columns,
                            beta: 0, &out, ldc: rows)
            return out
        }
        guard let wide else { preconditionFailure("CodeMatrix: inputs larger than the codes were made for") }
        var c = [Double](repeating: 0, count: m * rows)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(rows), Int32(columns), 1, x.map(Double.init), Int32(columns),
                    wide, Int32(columns), 0, &c, Int32(rows))
        for i in c.indices { out[i] = Float(c[i]) }
        return out
    }
}
