import QVKernelsMath

/// Integer thresholds that turn GEMM accumulators straight into 1- or 2-bit codes: the fused
/// "requantizing" epilogue. For a format of b bits there are B = 2^b − 1 boundaries; the stored field
/// of accumulator `acc` in column `n` is the number of boundaries j (0..<B) with
/// `acc ≥ upper(j, n) || acc ≤ lower(j, n)`; its code is `format.code(ofField: field)`.
///
/// The compiler derives the thresholds from the FP32 epilogue and the next layer's quantizer
/// over every accumulator the column can produce, so the codes equal quantizing the FP32
/// epilogue's output exactly (a monotone epilogue needs only upper thresholds; GELU's dip
/// needs lower ones too).
public struct CodeThresholds {
    /// The output codes' format (1 or 2 bits).
    public let format: QuantFormat
    /// Row j (0..<B) of upper thresholds, then B rows of lower ones, each `stride` Int32s
    /// (from this value's first column).
    public let table: UnsafePointer<Int32>
    /// Int32s per table row: N, or 1 when one set of thresholds serves every column (`shared`).
    public let stride: Int
    /// Whether every column uses column 0's thresholds.
    public let shared: Bool
    /// Whether any lower threshold can hold (otherwise only the upper rows are read).
    public let hasLower: Bool

    /// Thresholds over `table`: 2·B rows of `columns` Int32s, or of one Int32 shared by every
    /// column when `columns` is 0. Nil unless `format` has 1 or 2 bits.
    public init?(format: QuantFormat, table: UnsafePointer<Int32>, columns: Int, hasLower: Bool) {
        guard format.bits <= 2, columns >= 0 else { return nil }
        self.init(format: format, table: table, stride: max(1, columns), shared: columns == 0, hasLower: hasLower)
    }

    private init(format: QuantFormat, table: UnsafePointer<Int32>, stride: Int, shared: Bool, hasLower: Bool) {
        self.format = format
        self.table = table
        self.stride = stride
        self.shared = shared
        self.hasLower = hasLower
    }

    /// Boundaries per column: B = 2^bits − 1 (one less than the number of fields).
    public var boundaries: Int { Self.boundaries(of: format) }

    /// B for `format`.
    public static func boundaries(of format: QuantFormat) -> Int { (1 << format.bits) - 1 }

    /// The thresholds of columns `first...` (the same table, shifted).
    public func fromColumn(_ first: Int) -> CodeThresholds {
        CodeThresholds(format: format, table: table + (shared ? 0 : first), stride: stride, shared: shared, hasLower: hasLower)
    }

    /// The stored field for `accumulator` in column `column`: the definition every path follows.
    public func field(_ accumulator: Int32, column: Int) -> UInt8 {
        let c = shared ? 0 : column
        var field: UInt8 = 0
        for j in 0..<boundaries {
            let upper = table[j * stride + c], lower = hasLower ? table[(boundaries + j) * stride + c] : .min
            if accumulator >= upper || accumulator <= lower { field += 1 }
        }
        return field
    }

    /// The lane form, for the block kernels.
    var lanes: CodeBoundaries {
        CodeBoundaries(upper: table, stride: stride, shared: shared, count: boundaries, hasLower: hasLower,
                       bits: format.bits, paddingWord: UInt32(format.paddingByte) &* 0x0101_0101,
                       paddingByte: format.paddingByte)
    }
}

/// Where a codes-ending GEMM writes: packed rows, optionally split into heads (head h holds
/// destination columns h·headColumns ..< (h+1)·headColumns in its own rows, `headStride` bytes
/// after head 0). GEMM column c goes to destination column `columnOrigin + c`.
public struct CodesOutput {
    /// Row 0 of head 0.
    public var base: UnsafeMutableRawPointer
    /// Bytes between rows (a head's packed row stride).
    public var rowStride: Int
    /// Destination columns per head (the whole row when there is one head).
    public var headColumns: Int
    /// Bytes between heads.
    public var headStride: Int
    /// Destination column of GEMM column 0.
    public var columnOrigin: Int

    /// An output; see the type's description.
    public init(base: UnsafeMutableRawPointer, rowStride: Int, headColumns: Int, headStride: Int = 0, columnOrigin: Int = 0) {
        self.base = base
        self.rowStride = rowStride
        self.headColumns = headColumns
        self.headStride = headStride
        self.columnOrigin = columnOrigin
    }

    /// Why this output can't take `columns` GEMM columns of `format` fields, if it can't: runs
    /// must start on whole bytes, every head row must fit its stride, and a single-head output
    /// (`headStride` 0) must hold all the columns.
    func layoutError(format: QuantFormat, columns: Int) -> KernelError? {
        let multiHead = headStride != 0
        guard headColumns > 0, columnOrigin >= 0, columnOrigin * format.bits % 8 == 0,
              !multiHead || headColumns * format.bits % 8 == 0,
              multiHead || columnOrigin + columns <= headColumns,
              rowStride >= format.packedBytes(count: headColumns) else {
            return .badCodesOutput(detail: "\(columns) columns from column \(columnOrigin) into heads of \(headColumns) "
                + "columns (row stride \(rowStride), head stride \(headStride)) do not make whole-byte runs of \(format) fields")
        }
        return nil
    }

    /// The runs of GEMM columns `first ..< first + count` that stay inside one head row: for each,
    /// its first GEMM column, length, address of its row 0, and the padding bytes after it
    /// (non-zero when the run ends its head row).
    func forEachRun(first: Int, count: Int, bits: Int,
                    _ body: (_ column: Int, _ count: Int, _ address: UnsafeMutableRawPointer, _ padBytes: Int) -> Void) {
        var column = first
        while column < first + count {
            let destination = columnOrigin + column
            let head = destination / headColumns, within = destination % headColumns
            let run = min(first + count - column, headColumns - within)
            let end = (within + run) * bits
            let padBytes = within + run == headColumns ? rowStride - (end + 7) / 8 : 0
            body(column, run, base + head * headStride + within * bits / 8, padBytes)
            column += run
        }
    }
}
