import QVKernels

/// A weight matrix `[rows, columns]` quantized per row (output channel) by the quantizers it is
/// given and packed the way the runtime's kernels read it: each row's fields little-endian,
/// padded to `rowStride` bytes.
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

    /// Quantizes row r of `weights` by `quantizers[r]` (one per row, all of one format, offsets
    /// 0: the kernels read symmetric weights).
    init(_ weights: [Float], rows: Int, columns: Int, quantizers: [Quantizer]) {
        precondition(quantizers.count == rows && rows > 0 && weights.count == rows * columns, "PackedWeights: one quantizer per row")
        let format = quantizers[0].format
        precondition(quantizers.allSatisfy { $0.format == format && $0.offset == 0 }, "PackedWeights: one format, offsets 0")
        self.format = format
        self.rows = rows
        self.columns = columns
        rowStride = packedRowStride(columns: columns, format: format)
        var bytes = [UInt8](repeating: 0, count: rows * rowStride)
        var sums: [Int64] = []
        for (r, q) in quantizers.enumerated() {
            let codes = weights[(r * columns)..<((r + 1) * columns)].map { q.code($0) }
            let rowBytes = (r * rowStride)..<((r + 1) * rowStride)
            bytes.withUnsafeMutableBytes { all in
                let packedRow = UnsafeMutableRawBufferPointer(rebasing: all[rowBytes])
                codes.withUnsafeBufferPointer { format.packRow($0, into: packedRow) }
            }
            sums.append(codes.reduce(Int64(0)) { $0 + Int64($1) })
        }
        self.bytes = bytes
        scales = quantizers.map(\.scale)
        codeSums = sums
    }
}
