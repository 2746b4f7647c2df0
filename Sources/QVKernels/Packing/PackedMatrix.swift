/// Row-packed matrices of quantization codes: the layout every integer kernel reads.
///
/// Row `r` starts at `base + r * rowStride`. Inside a row, element `i` is the field at bits
/// `bits * (i % fieldsPerByte)` of byte `i / fieldsPerByte` (little-endian fields, see
/// `QuantFormat`). Bytes after the last field, up to `rowStride`, hold `format.paddingField` in
/// every field slot. Kernels never read padding fields as data.

/// Alignment of packed rows in bytes: whole 64-bit words and 16-byte vectors stay inside a row,
/// and rows of K = 128·j codes (every transformer width) carry no padding at all, so 1-bit and
/// 2-bit weights take exactly 1/32 and 1/16 of their FP32 bytes.
public let packedRowAlignment = 16

/// Bytes one packed row takes in memory: `format.packedBytes(count: columns)` rounded up to a
/// multiple of `packedRowAlignment`.
public func packedRowStride(columns: Int, format: QuantFormat) -> Int {
    (format.packedBytes(count: max(0, columns)) + packedRowAlignment - 1) / packedRowAlignment * packedRowAlignment
}

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

    /// The stored field of element (`row`, `column`); both must be in range.
    @inline(__always)
    public func field(row: Int, column: Int) -> UInt8 {
        let perByte = format.fieldsPerByte
        let byte = base.load(fromByteOffset: row * rowStride + column / perByte, as: UInt8.self)
        return (byte >> UInt8(format.bits * (column % perByte))) & format.fieldMask
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

    /// The same rows, read-only.
    public var readOnly: PackedMatrix {
        PackedMatrix(base: UnsafeRawPointer(base), rows: rows, columns: columns, rowStride: rowStride, format: format)
    }

    /// Stores `code` (clamped into the format's range) as element (`row`, `column`); both must be in range.
    public func setCode(_ code: Int32, row: Int, column: Int) {
        let clamped = min(max(code, format.codeMin), format.codeMax)
        let perByte = format.fieldsPerByte
        let shift = UInt8(format.bits * (column % perByte))
        let address = base + row * rowStride + column / perByte
        let old = address.load(as: UInt8.self)
        let new = (old & ~(format.fieldMask << shift)) | (format.field(ofCode: clamped) << shift)
        address.storeBytes(of: new, as: UInt8.self)
    }

    /// Fills every row from the byte after its last field through `rowStride` with padding
    /// fields, including the unused fields of a partially filled last byte.
    public func writePadding() {
        guard rows > 0, columns >= 0 else { return }
        let full = columns / format.fieldsPerByte
        let partialFields = columns % format.fieldsPerByte
        for row in 0..<rows {
            let start = base + row * rowStride
            if partialFields > 0 {
                let keep = UInt8(truncatingIfNeeded: (1 << (partialFields * format.bits)) - 1)
                let byte = start.load(fromByteOffset: full, as: UInt8.self)
                start.storeBytes(of: (byte & keep) | (format.paddingByte & ~keep), toByteOffset: full, as: UInt8.self)
            }
            let firstPaddingByte = full + (partialFields > 0 ? 1 : 0)
            if rowStride > firstPaddingByte {
                (start + firstPaddingByte).initializeMemory(
                    as: UInt8.self, repeating: format.paddingByte, count: rowStride - firstPaddingByte)
            }
        }
    }
}
