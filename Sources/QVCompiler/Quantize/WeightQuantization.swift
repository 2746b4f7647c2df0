import QVKernels

/// A weight matrix `[rows, columns]` quantized per row (output channel) and packed the way the
/// runtime's kernels read it: each row's fields little-endian, padded to `rowStride` bytes.
struct PackedWeights {
    /// Format of every code.
    let format: QuantFormat
    /// Rows and codes per row.
    let rows: Int, columns: Int
    /// Bytes per packed row (multiple of `packedRowAlignment`).
    let rowStride: Int
    /// Packed rows.
    let bytes: [UInt8]
    /// Scale of each row.
    let scales: [Float]
    /// Sum of each row's codes (folds activation offsets into the bias).
    let codeSums: [Int64]

    /// Quantizes `weights` row by row: binary rows by sign with scale mean |w|; 8-bit rows with
    /// scale max |w| / 127; other formats by the MSE-best clipping of each row.
    init(_ weights: [Float], rows: Int, columns: Int, format: QuantFormat) {
        self.format = format
        self.rows = rows
        self.columns = columns
        rowStride = packedRowStride(columns: columns, format: format)
        var bytes = [UInt8](repeating: 0, count: rows * rowStride)
        var scales: [Float] = [], sums: [Int64] = []
        for r in 0..<rows {
            let row = Array(weights[(r * columns)..<((r + 1) * columns)])
            let q: Quantizer
            switch format.bits {
            case 1: q = ScaleSearch.quantizer(for: row, format: format, zeroOffset: true)
            case 8: q = Quantizer(format: format, scale: max(row.reduce(0) { max($0, abs($1)) } / Float(format.codeMax), .leastNormalMagnitude))
            default:
                let limit = row.reduce(0) { max($0, abs($1)) }
                q = ScaleSearch.best(row, candidates: stride(from: Float(0.3), through: 1.0, by: 0.05).map {
                    Quantizer(format: format, scale: max($0 * limit / Float(format.codeMax), .leastNormalMagnitude))
                })
            }
            let codes = row.map { q.code($0) }
            let rowBytes = (r * rowStride)..<((r + 1) * rowStride)
            bytes.withUnsafeMutableBytes { all in
                let packedRow = UnsafeMutableRawBufferPointer(rebasing: all[rowBytes])
                codes.withUnsafeBufferPointer { format.packRow($0, into: packedRow) }
            }
            scales.append(q.scale)
            sums.append(codes.reduce(Int64(0)) { $0 + Int64($1) })
        }
        self.bytes = bytes
        self.scales = scales
        codeSums = sums
    }
}
