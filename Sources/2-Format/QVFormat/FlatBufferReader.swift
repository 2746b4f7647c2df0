/// Why a FlatBuffer could not be read: what went wrong and the byte offset where.
struct FlatBufferError: Error {
    /// What was wrong.
    let message: String
    /// Byte offset from the start of the buffer where it was found.
    let offset: Int

    init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }
}

/// A field of a FlatBuffers table, numbered by its vtable slot (declaration order in the schema,
/// a union taking two slots: its type, then its value).
protocol FlatBufferField {
    /// The vtable slot.
    var slot: Int { get }
}

extension FlatBufferField where Self: RawRepresentable, RawValue == Int {
    var slot: Int { rawValue }
}

/// A zero-copy reader of the FlatBuffers wire format (little-endian) over bytes in memory.
/// Every access checks that its bytes lie inside the buffer, so even a hostile buffer only
/// produces `FlatBufferError`s, never an out-of-bounds read.
struct FlatBufferReader {
    /// The whole buffer; offsets are counted from its start.
    let bytes: UnsafeRawBufferPointer

    /// The integer of type `T` stored at `offset`.
    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) throws(FlatBufferError) -> T {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else {
            throw FlatBufferError(
                "a \(MemoryLayout<T>.size)-byte value at byte \(offset) lies outside the "
                    + "\(bytes.count)-byte buffer", at: offset)
        }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// The position a `uoffset_t` stored at `offset` points to.
    func target(ofOffsetAt offset: Int) throws(FlatBufferError) -> Int {
        offset + Int(try load(UInt32.self, at: offset))
    }

    /// The root table, found through the offset in the buffer's first four bytes.
    func rootTable() throws(FlatBufferError) -> FlatBufferTable {
        try table(at: target(ofOffsetAt: 0))
    }

    /// The table starting at `position`, with its vtable checked to lie inside the buffer.
    func table(at position: Int) throws(FlatBufferError) -> FlatBufferTable {
        let vtable = position - Int(try load(Int32.self, at: position))
        let vtableLength = Int(try load(UInt16.self, at: vtable))
        let tableLength = Int(try load(UInt16.self, at: vtable + 2))
        guard vtableLength >= 4, vtableLength <= bytes.count - vtable,
              tableLength >= 4, tableLength <= bytes.count - position else {
            throw FlatBufferError("table at byte \(position) has a malformed vtable at byte \(vtable)",
                                  at: position)
        }
        return FlatBufferTable(reader: self, position: position, vtable: vtable,
                               vtableLength: vtableLength)
    }

    /// The vector whose length prefix is at `position`, checked to fit inside the buffer.
    func vector(at position: Int, elementSize: Int) throws(FlatBufferError) -> FlatBufferVector {
        let count = Int(try load(UInt32.self, at: position))
        let start = position + 4
        guard start <= bytes.count, count <= (bytes.count - start) / elementSize else {
            throw FlatBufferError(
                "vector at byte \(position) of \(count) \(elementSize)-byte elements runs past the "
                    + "end of the \(bytes.count)-byte buffer", at: position)
        }
        return FlatBufferVector(reader: self, start: start, count: count, elementSize: elementSize)
    }

    /// The string whose length prefix is at `position`; it must be valid UTF-8.
    func string(at position: Int) throws(FlatBufferError) -> String {
        let utf8 = try vector(at: position, elementSize: 1).bytes
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw FlatBufferError("string at byte \(position) is not valid UTF-8", at: position)
        }
        return string
    }
}

/// A table inside a FlatBuffer: fields are found through its vtable; absent fields read as
/// their schema defaults.
struct FlatBufferTable {
    /// The buffer the table lives in.
    let reader: FlatBufferReader
    /// Byte offset of the table (its `soffset_t` to the vtable).
    let position: Int
    /// Byte offset of its vtable.
    let vtable: Int
    /// Length of the vtable in bytes.
    let vtableLength: Int

    /// Byte offset of `field`'s value, or nil when the table does not store it.
    func position<F: FlatBufferField>(of field: F) throws(FlatBufferError) -> Int? {
        let entry = 4 + 2 * field.slot
        guard entry + 2 <= vtableLength else { return nil }
        let relative = Int(try reader.load(UInt16.self, at: vtable + entry))
        return relative == 0 ? nil : position + relative
    }

    /// An integer field, or `defaultValue` when absent.
    func integer<F: FlatBufferField, T: FixedWidthInteger>(
        _ field: F, default defaultValue: T
    ) throws(FlatBufferError) -> T {
        guard let at = try position(of: field) else { return defaultValue }
        return try reader.load(T.self, at: at)
    }

    /// A `float` field, or `defaultValue` when absent.
    func float<F: FlatBufferField>(_ field: F, default defaultValue: Float = 0) throws(FlatBufferError) -> Float {
        guard let at = try position(of: field) else { return defaultValue }
        return Float(bitPattern: try reader.load(UInt32.self, at: at))
    }

    /// A `bool` field, or `defaultValue` when absent.
    func bool<F: FlatBufferField>(_ field: F, default defaultValue: Bool) throws(FlatBufferError) -> Bool {
        guard let at = try position(of: field) else { return defaultValue }
        return try reader.load(UInt8.self, at: at) != 0
    }

    /// A table field (also a union's value), or nil when absent.
    func table<F: FlatBufferField>(_ field: F) throws(FlatBufferError) -> FlatBufferTable? {
        guard let at = try position(of: field) else { return nil }
        return try reader.table(at: reader.target(ofOffsetAt: at))
    }

    /// A string field, or nil when absent.
    func string<F: FlatBufferField>(_ field: F) throws(FlatBufferError) -> String? {
        guard let at = try position(of: field) else { return nil }
        return try reader.string(at: reader.target(ofOffsetAt: at))
    }

    /// A vector field of `elementSize`-byte elements (4 for offsets), or nil when absent.
    func vector<F: FlatBufferField>(_ field: F, elementSize: Int) throws(FlatBufferError) -> FlatBufferVector? {
        guard let at = try position(of: field) else { return nil }
        return try reader.vector(at: reader.target(ofOffsetAt: at), elementSize: elementSize)
    }
}

/// A vector inside a FlatBuffer whose elements are known to lie inside the buffer.
struct FlatBufferVector {
    /// The buffer the vector lives in.
    let reader: FlatBufferReader
    /// Byte offset of element 0 (just after the length prefix).
    let start: Int
    /// Number of elements.
    let count: Int
    /// Bytes per element.
    let elementSize: Int

    /// The elements' bytes, zero-copy.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: reader.bytes[start ..< start + count * elementSize])
    }

    /// Element `index` of a vector of integers.
    func integer<T: FixedWidthInteger>(at index: Int, as type: T.Type) throws(FlatBufferError) -> T {
        try reader.load(T.self, at: start + index * elementSize)
    }

    /// Element `index` of a vector of `float`.
    func float(at index: Int) throws(FlatBufferError) -> Float {
        Float(bitPattern: try integer(at: index, as: UInt32.self))
    }

    /// Element `index` of a vector of tables.
    func table(at index: Int) throws(FlatBufferError) -> FlatBufferTable {
        try reader.table(at: reader.target(ofOffsetAt: start + index * 4))
    }

    /// Element `index` of a vector of strings.
    func string(at index: Int) throws(FlatBufferError) -> String {
        try reader.string(at: reader.target(ofOffsetAt: start + index * 4))
    }
}
