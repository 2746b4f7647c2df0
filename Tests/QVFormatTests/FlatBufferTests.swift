import Testing
@testable import QVFormat

/// Fields of a throwaway test table.
private enum Field: Int, FlatBufferField { case small, wide, real, flag, text, numbers, bytes, child }

@Suite("FlatBuffer builder and reader")
struct FlatBufferTests {
    private func build(defaults: Bool) -> [UInt8] {
        var builder = FlatBufferBuilder(capacity: 16)
        builder.startTable()
        let child = builder.endTable()
        let text = builder.createString("héllo")
        let numbers = builder.createVector([Int64(-1), 2, Int64.max])
        let bytes = builder.createBytes([1, 2, 3], alignment: 64)
        builder.startTable()
        builder.add(Field.small, UInt8(defaults ? 7 : 9), default: 7)
        builder.add(Field.wide, UInt64(defaults ? 0 : 1 << 40), default: 0)
        builder.add(Field.real, Float(defaults ? 0 : -0.0))
        builder.add(Field.flag, !defaults, default: false)
        builder.add(Field.text, text)
        builder.add(Field.numbers, numbers)
        builder.add(Field.bytes, bytes)
        builder.add(Field.child, child)
        let root = builder.endTable()
        return builder.finish(root: root, fileIdentifier: Array("TEST".utf8))
    }

    @Test("written fields read back; defaults are left out and read as defaults")
    func roundTrip() throws {
        for defaults in [false, true] {
            let buffer = build(defaults: defaults)
            #expect(buffer.count % 64 == 0)
            try buffer.withUnsafeBytes { bytes in
                let table = try FlatBufferReader(bytes: bytes).rootTable()
                #expect(try table.integer(Field.small, default: UInt8(7)) == (defaults ? 7 : 9))
                #expect(try table.integer(Field.wide, default: UInt64(0)) == (defaults ? 0 : 1 << 40))
                #expect(try table.float(Field.real).bitPattern == (defaults ? 0 : Float(-0.0).bitPattern))
                #expect(try table.bool(Field.flag, default: false) == !defaults)
                #expect(try (table.position(of: Field.small) == nil) == defaults)
                #expect(try table.string(Field.text) == "héllo")
                let numbers = try #require(try table.vector(Field.numbers, elementSize: 8))
                #expect(try (0 ..< numbers.count).map { try numbers.integer(at: $0, as: Int64.self) } == [-1, 2, .max])
                let data = try #require(try table.vector(Field.bytes, elementSize: 1))
                #expect(data.start % 64 == 0)
                #expect(Array(data.bytes) == [1, 2, 3])
                #expect(try table.table(Field.child) != nil)
            }
        }
    }

    @Test("every truncation and a bad root offset are errors, not crashes")
    func boundsChecked() {
        let buffer = build(defaults: false)
        for length in 0 ..< buffer.count {
            let prefix = Array(buffer[..<length])
            let outcome = prefix.withUnsafeBytes { bytes in
                Result { () throws(FlatBufferError) in try readEverything(FlatBufferReader(bytes: bytes)) }
            }
            #expect(throws: FlatBufferError.self, "length \(length)") { try outcome.get() }
        }
        var broken = buffer
        broken.store(UInt32.max, at: 0)
        let rootReadable = broken.withUnsafeBytes { bytes in (try? FlatBufferReader(bytes: bytes).rootTable()) != nil }
        #expect(!rootReadable)
    }

    private func readEverything(_ reader: FlatBufferReader) throws(FlatBufferError) {
        let table = try reader.rootTable()
        _ = try table.integer(Field.wide, default: UInt64(0))
        _ = try table.string(Field.text)
        if let numbers = try table.vector(Field.numbers, elementSize: 8) {
            for index in 0 ..< numbers.count { _ = try numbers.integer(at: index, as: Int64.self) }
        }
        _ = try table.vector(Field.bytes, elementSize: 1)?.bytes
        _ = try table.table(Field.child)
    }
}
