/// Row-packed matrices of quantization codes: the layout every integer kernel reads.
///
/// Row `r` starts at `base + r * rowStride`; inside a row, fields sit as QVQuant's field
/// placement defines (Sources/1-Quant/QVQuant/FieldPlacement.swift), padding included. Kernels never
/// read padding fields as data.

/// A read-only view of `rows` packed rows of `columns` codes each.
public struct PackedMatrix {
    /// Address of row 0.
    public var base: UnsafeRawPointer
    /// Number of rows.
    public var rows: Int
    /// Codes per row (the GEMM depth K for both operands).
    public var columns: Int
    /// Bytes from one row to the next.
    public var rowStride: Int
    /// How codes are stored.
    public var format: QuantFormat

    /// Views packed rows in place; nothing is copied.
    public init(base: UnsafeRawPointer, rows: Int, columns: Int, rowStride: Int, format: QuantFormat) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride
        self.format = format
    }

    /// Rows `range` (inside `0..<rows`), in place.
    public func rows(_ range: Range<Int>) -> PackedMatrix {
        PackedMatrix(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns, rowStride: rowStride, format: format)
    }

    /// The stored field of element (`row`, `column`); both must be in range.
    @inline(__always)
    public func field(row: Int, column: Int) -> UInt8 {
        format.field(at: column, inRow: base + row * rowStride)
    }

    /// The code of element (`row`, `column`); both must be in range.
    @inline(__always)
    public func code(row: Int, column: Int) -> Int32 {
        format.code(ofField: field(row: row, column: column))
    }

    /// Address of the first byte of `row`.
    @inline(__always)
    func rowStart(_ row: Int) -> UnsafeRawPointer { base + row * rowStride }

    /// The layout error that makes this matrix unsafe for the kernels to read, if any.
    func layoutError(operand: String) -> KernelError? {
        let valid = rows >= 0 && columns >= 0 && rowStride >= 0 && rowStride % packedRowAlignment == 0
            && rowStride >= format.packedBytes(count: columns)
        return valid ? nil
            : .invalidLayout(operand: operand, rows: rows, columns: columns, rowStride: rowStride)
    }
}

/// A writable view of packed rows (the destination of quantization).
public struct MutablePackedMatrix {
    /// Address of row 0.
    public var base: UnsafeMutableRawPointer
    /// Number of rows.
    public var rows: Int
    /// Codes per row.
    public var columns: Int
    /// Bytes from one row to the next.
    public var rowStride: Int
    /// How codes are stored.
    public var format: QuantFormat

    /// Views writable packed rows in place; nothing is copied.
    public init(base: UnsafeMutableRawPointer, rows: Int, columns: Int, rowStride: Int, format: QuantFormat) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.rowStride = rowStride
        self.format = format
    }

    /// Rows `range` (inside `0..<rows`), in place.
    public func rows(_ range: Range<Int>) -> MutablePackedMatrix {
        MutablePackedMatrix(base: base + range.lowerBound * rowStride, rows: range.count, columns: columns, rowStride: rowStride,
                            format: format)
    }

    /// The same rows, read-only.
    public var readOnly: PackedMatrix {
        PackedMatrix(base: UnsafeRawPointer(base), rows: rows, columns: columns, rowStride: rowStride, format: format)
    }

    /// Stores `code` (clamped into the format's range) as element (`row`, `column`); both must be in range.
    public func setCode(_ code: Int32, row: Int, column: Int) {
        let clamped = min(max(code, format.codeMin), format.codeMax)
        format.setField(format.field(ofCode: clamped), at: column, inRow: base + row * rowStride)
    }

    /// Fills every row from the byte after its last field through `rowStride` with padding
    /// fields, including the unused fields of a partially filled last byte.
    public func writePadding() {
        guard rows > 0, columns >= 0 else { return }
        for row in 0..<rows { format.writePadding(row: base + row * rowStride, columns: columns, rowStride: rowStride) }
    }
}
