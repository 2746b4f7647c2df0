/// Where codes sit in bytes: the one definition of packed rows that the compiler writes, the
/// file stores and every kernel reads.
///
/// Element `i` of a row is the field at bits `fieldBits * (i % fieldsPerByte)` of byte
/// `i / fieldsPerByte` (little-endian fields). A row of `count` codes takes
/// `packedBytes(count:)` bytes and is stored in `packedRowStride(columns:format:)` bytes; every
/// field slot after its last code, up to the stride, holds `paddingField`.

/// Alignment of packed rows in bytes: whole 64-bit words and 16-byte vectors stay inside a row,
/// and rows of K = 128·j codes (every transformer width) carry no padding at all, so 1-bit and
/// 2-bit weights take exactly 1/32 and 1/16 of their FP32 bytes.
public let packedRowAlignment = 16

/// Bytes one packed row takes in memory: `format.packedBytes(count: columns)` rounded up to a
/// multiple of `packedRowAlignment`.
@inlinable
public func packedRowStride(columns: Int, format: QuantFormat) -> Int {
    packedRowStride(bytes: format.packedBytes(count: max(0, columns)))
}

/// The stride of a packed row of `bytes` bytes: `bytes` rounded up to a multiple of
/// `packedRowAlignment` (the rule the `.qvb` validator holds every stored tensor to).
@inlinable
public func packedRowStride(bytes: Int) -> Int {
    (bytes + packedRowAlignment - 1) / packedRowAlignment * packedRowAlignment
}

extension QuantFormat {
    /// Fields packed into one byte.
    @inlinable
    public var fieldsPerByte: Int { 8 / fieldBits }

    /// Mask of one field's bits, in the low bits of a byte.
    @inlinable @inline(__always)
    public var fieldMask: UInt8 { UInt8(truncatingIfNeeded: (1 << fieldBits) - 1) }

    /// The field that pads a packed row: the one whose code contributes nothing to a dot
    /// product (code 0; for binary rows the 0 bit, whose contribution the kernels cancel).
    @inlinable
    public var paddingField: UInt8 { scheme == .binarySign ? 0 : field(ofCode: 0) }

    /// A byte whose every field slot holds `paddingField`.
    @inlinable
    public var paddingByte: UInt8 {
        var byte: UInt8 = 0
        for slot in 0..<fieldsPerByte { byte |= paddingField << UInt8(slot * fieldBits) }
        return byte
    }

    /// Bytes one packed row of `count` codes takes before padding.
    @inlinable
    public func packedBytes(count: Int) -> Int { (count * fieldBits + 7) / 8 }

    /// The field of element `index` of the packed row starting at `row`.
    @inlinable @inline(__always)
    public func field(at index: Int, inRow row: UnsafeRawPointer) -> UInt8 {
        let perByte = fieldsPerByte
        let byte = row.load(fromByteOffset: index / perByte, as: UInt8.self)
        return (byte >> UInt8(fieldBits * (index % perByte))) & fieldMask
    }

    /// Stores `field` (its low `fieldBits` bits) as element `index` of the packed row starting at
    /// `row`, leaving the byte's other fields as they are.
    @inlinable @inline(__always)
    public func setField(_ field: UInt8, at index: Int, inRow row: UnsafeMutableRawPointer) {
        let perByte = fieldsPerByte
        let shift = UInt8(fieldBits * (index % perByte))
        let address = row + index / perByte
        let old = address.load(as: UInt8.self)
        address.storeBytes(of: (old & ~(fieldMask << shift)) | ((field & fieldMask) << shift), as: UInt8.self)
    }

    /// Fills the packed row starting at `row` with padding fields from the field after element
    /// `columns - 1` through byte `rowStride - 1`, including the unused fields of a partially
    /// filled last byte; the first `columns` fields are kept.
    @inlinable
    public func writePadding(row: UnsafeMutableRawPointer, columns: Int, rowStride: Int) {
        let full = columns / fieldsPerByte
        let partialFields = columns % fieldsPerByte
        if partialFields > 0 {
            let keep = UInt8(truncatingIfNeeded: (1 << (partialFields * fieldBits)) - 1)
            let byte = row.load(fromByteOffset: full, as: UInt8.self)
            row.storeBytes(of: (byte & keep) | (paddingByte & ~keep), toByteOffset: full, as: UInt8.self)
        }
        let firstPaddingByte = full + (partialFields > 0 ? 1 : 0)
        if rowStride > firstPaddingByte {
            (row + firstPaddingByte).initializeMemory(as: UInt8.self, repeating: paddingByte, count: rowStride - firstPaddingByte)
        }
    }

    /// Writes `codes` as one packed row of `row.count` bytes (the row stride): their fields,
    /// then padding fields through the last byte. Every byte of `row` is written; `row` must
    /// hold at least `packedBytes(count: codes.count)` bytes. Codes are stored as given (in range).
    public func packRow(_ codes: UnsafeBufferPointer<Int32>, into row: UnsafeMutableRawBufferPointer) {
        precondition(row.count >= packedBytes(count: codes.count), "packed row too short for its codes")
        guard let base = row.baseAddress else { return }
        let perByte = fieldsPerByte
        var byte: UInt8 = 0, slot = 0, index = 0
        for code in codes {
            byte |= field(ofCode: code) << UInt8(fieldBits * slot)
            slot += 1
            if slot == perByte {
                base.storeBytes(of: byte, toByteOffset: index, as: UInt8.self)
                index += 1
                byte = 0
                slot = 0
            }
        }
        if slot > 0 { base.storeBytes(of: byte, toByteOffset: index, as: UInt8.self) }
        writePadding(row: base, columns: codes.count, rowStride: row.count)
    }
}
