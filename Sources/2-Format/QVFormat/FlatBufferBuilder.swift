/// Builds a FlatBuffer back to front, as the reference builder does: an object's children are
/// written before it, and every object is known by its distance from the end of the buffer.
/// Alignment is relative to the end; `finish` pads the front so that the total length is a
/// multiple of the largest alignment used, which makes it hold from the start too.
struct FlatBufferBuilder {
    /// A finished object (string, vector or table): its distance from the end of the buffer.
    struct Offset: Equatable {
        fileprivate let distance: Int
    }

    /// Backing store; the buffer built so far is `storage[head...]`.
    private var storage: [UInt8]
    private var head: Int
    /// Largest alignment requested so far.
    private var minimumAlignment = 1
    /// The open table's fields: (vtable slot, distance of the value from the end).
    private var fields: [(slot: Int, distance: Int)] = []
    /// Size of the buffer when the open table was started, or nil when none is open.
    private var tableStart: Int?

    /// Creates a builder with room for `capacity` bytes before it has to grow.
    init(capacity: Int = 1024) {
        storage = [UInt8](repeating: 0, count: max(capacity, 64))
        head = storage.count
    }

    /// Bytes written so far.
    var size: Int { storage.count - head }

    // MARK: Raw writing

    /// Makes room for `count` more bytes in front of the head.
    private mutating func reserve(_ count: Int) {
        guard head < count else { return }
        let grown = max(storage.count * 2, size + count + 1024)
        var bigger = [UInt8](repeating: 0, count: grown)
        let used = size
        bigger.withUnsafeMutableBytes { destination in
            storage.withUnsafeBytes { source in
                destination.baseAddress!.advanced(by: grown - used)
                    .copyMemory(from: source.baseAddress!.advanced(by: head), byteCount: used)
            }
        }
        storage = bigger
        head = grown - used
    }

    /// Writes `count` zero bytes.
    private mutating func pad(_ count: Int) {
        reserve(count)
        for index in head - count ..< head { storage[index] = 0 }
        head -= count
    }

    /// Pads so that, once `length` more bytes are written, the size is a multiple of `alignment`.
    private mutating func align(after length: Int, to alignment: Int) {
        minimumAlignment = max(minimumAlignment, alignment)
        pad((alignment - (size + length) % alignment) % alignment)
    }

    /// Writes an integer, little-endian, without padding.
    private mutating func push<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        head -= MemoryLayout<T>.size
        let at = head
        storage.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: at, as: T.self) }
    }

    /// Writes raw bytes, without padding.
    private mutating func push(bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        head -= bytes.count
        let at = head
        storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: at).copyMemory(from: source, byteCount: bytes.count) }
    }

    /// Writes a `uoffset_t` pointing at `target`.
    private mutating func push(offsetTo target: Offset) {
        align(after: 4, to: 4)
        push(UInt32(size + 4 - target.distance))
    }

    // MARK: Strings and vectors

    /// Writes a string (UTF-8, zero-terminated, length-prefixed).
    mutating func createString(_ string: String) -> Offset {
        let utf8 = Array(string.utf8)
        align(after: utf8.count + 1, to: 4)
        push(UInt8(0))
        utf8.withUnsafeBytes { push(bytes: $0) }
        push(UInt32(utf8.count))
        return Offset(distance: size)
    }

    /// Writes a vector of integers whose data starts at a multiple of `alignment` (at least the
    /// element size).
    mutating func createVector<T: FixedWidthInteger>(_ elements: [T], alignment: Int = MemoryLayout<T>.size) -> Offset {
        let byteCount = elements.count * MemoryLayout<T>.size
        align(after: byteCount, to: 4)
        align(after: byteCount, to: max(alignment, MemoryLayout<T>.size))
        for element in elements.reversed() { push(element) }
        push(UInt32(elements.count))
        return Offset(distance: size)
    }

    /// Writes a vector of `float`.
    mutating func createVector(_ elements: [Float]) -> Offset {
        createVector(elements.map { $0.bitPattern })
    }

    /// Writes a byte vector whose data starts at a multiple of `alignment`.
    mutating func createBytes(_ bytes: [UInt8], alignment: Int) -> Offset {
        align(after: bytes.count, to: 4)
        align(after: bytes.count, to: alignment)
        bytes.withUnsafeBytes { push(bytes: $0) }
        push(UInt32(bytes.count))
        return Offset(distance: size)
    }

    /// Writes a vector of offsets to tables or strings.
    mutating func createVector(offsets: [Offset]) -> Offset {
        align(after: offsets.count * 4, to: 4)
        for offset in offsets.reversed() { push(offsetTo: offset) }
        push(UInt32(offsets.count))
        return Offset(distance: size)
    }

    // MARK: Tables

    /// Opens a table; its children must all have been written already.
    mutating func startTable() {
        precondition(tableStart == nil, "FlatBufferBuilder: tables cannot nest while being built")
        fields.removeAll(keepingCapacity: true)
        tableStart = size
    }

    /// Adds an integer field, left out when it equals the schema default unless `force`d.
    mutating func add<F: FlatBufferField, T: FixedWidthInteger>(
        _ field: F, _ value: T, default defaultValue: T, force: Bool = false
    ) {
        guard force || value != defaultValue else { return }
        align(after: 0, to: MemoryLayout<T>.size)
        push(value)
        fields.append((field.slot, size))
    }

    /// Adds a `float` field, left out when bit-identical to the schema default.
    mutating func add<F: FlatBufferField>(_ field: F, _ value: Float, default defaultValue: Float = 0) {
        add(field, value.bitPattern, default: defaultValue.bitPattern)
    }

    /// Adds a `bool` field, left out when it equals the schema default.
    mutating func add<F: FlatBufferField>(_ field: F, _ value: Bool, default defaultValue: Bool) {
        add(field, UInt8(value ? 1 : 0), default: UInt8(defaultValue ? 1 : 0))
    }

    /// Adds a field pointing at a string, vector or table; nothing when `target` is nil.
    mutating func add<F: FlatBufferField>(_ field: F, _ target: Offset?) {
        guard let target else { return }
        push(offsetTo: target)
        fields.append((field.slot, size))
    }

    /// Closes the open table, writing its vtable just before it.
    mutating func endTable() -> Offset {
        guard let start = tableStart else { preconditionFailure("FlatBufferBuilder: no open table") }
        align(after: 4, to: 4)
        push(Int32(0))
        let table = size
        var entries = [UInt16](repeating: 0, count: (fields.map { $0.slot }.max() ?? -1) + 1)
        for field in fields { entries[field.slot] = UInt16(table - field.distance) }
        for entry in entries.reversed() { push(entry) }
        push(UInt16(table - start))
        push(UInt16(4 + 2 * entries.count))
        let vtableToTable = Int32(size - table)
        let at = storage.count - table
        storage.withUnsafeMutableBytes { $0.storeBytes(of: vtableToTable.littleEndian, toByteOffset: at, as: Int32.self) }
        tableStart = nil
        return Offset(distance: table)
    }

    // MARK: Finishing

    /// Writes the root offset and the 4-byte file identifier and returns the finished buffer,
    /// whose length is a multiple of every alignment used.
    mutating func finish(root: Offset, fileIdentifier: [UInt8]) -> [UInt8] {
        precondition(fileIdentifier.count == 4, "a FlatBuffers file identifier has 4 bytes")
        align(after: 8, to: max(minimumAlignment, 4))
        fileIdentifier.withUnsafeBytes { push(bytes: $0) }
        push(offsetTo: root)
        return Array(storage[head...])
    }
}
