// Where codes sit in bytes: row strides, padding, single fields, and packRow against a
// field-by-field reference.
import Testing
import QVQuant

@Suite struct FieldPlacementTests {
    @Test func rowStrideIsPackedBytesRoundedUpTo16() {
        #expect(packedRowAlignment == 16)
        #expect(packedRowStride(columns: 1, format: .binary) == 16)
        #expect(packedRowStride(columns: 384, format: .binary) == 48)
        #expect(packedRowStride(columns: 513, format: .binary) == 80)
        #expect(packedRowStride(columns: 384, format: .signed2) == 96)
        #expect(packedRowStride(columns: 257, format: .unsigned2) == 80)
        #expect(packedRowStride(columns: 64, format: .signed8) == 64)
        #expect(packedRowStride(columns: 65, format: .unsigned8) == 80)
        #expect(packedRowStride(columns: 0, format: .signed8) == 0)
    }

    @Test func paddingBytesRepeatThePaddingField() {
        #expect(QuantFormat.signed2.paddingByte == 0b1010_1010)
        for format in storedFormats where format != .signed2 { #expect(format.paddingByte == 0, "\(format)") }
        for format in storedFormats { #expect(format.code(ofField: format.paddingField) == (format.scheme == .binarySign ? -1 : 0)) }
    }

    @Test(arguments: storedFormats)
    func packRowMatchesFieldByFieldPlacement(format: QuantFormat) {
        for count in [0, 1, 3, 7, 8, 9, 63, 64, 65, 130] {
            let codes = (0..<count).map { i -> Int32 in
                let span = Int(format.codeMax - format.codeMin) + 1
                let code = format.codeMin + Int32((i * 7 + 3) % span)
                return format.scheme == .binarySign ? (code >= 0 ? 1 : -1) : code
            }
            for stride in [packedRowStride(columns: count, format: format), packedRowStride(columns: count, format: format) + 16] {
                var row = [UInt8](repeating: 0xA5, count: stride)  // stale bytes: all must be rewritten
                row.withUnsafeMutableBytes { bytes in codes.withUnsafeBufferPointer { format.packRow($0, into: bytes) } }
                // Reference: each field ORed at bits bits·(i % perByte) of byte i / perByte, padding after.
                var expected = [UInt8](repeating: 0, count: stride)
                for slot in 0..<(stride * format.fieldsPerByte) {
                    let field = slot < count ? format.field(ofCode: codes[slot]) : format.paddingField
                    expected[slot / format.fieldsPerByte] |= field << UInt8(format.bits * (slot % format.fieldsPerByte))
                }
                #expect(row == expected, "\(format) count \(count) stride \(stride)")
                row.withUnsafeBytes { bytes in
                    for (i, code) in codes.enumerated() {
                        #expect(format.code(ofField: format.field(at: i, inRow: bytes.baseAddress!)) == code)
                    }
                }
            }
        }
    }

    @Test(arguments: storedFormats)
    func setFieldChangesOnlyItsField(format: QuantFormat) {
        var row = [UInt8](repeating: 0, count: 16)
        row.withUnsafeMutableBytes { bytes in
            let base = bytes.baseAddress!
            for i in 0..<(16 * format.fieldsPerByte) { format.setField(UInt8(i) & format.fieldMask, at: i, inRow: base) }
            format.setField(0xFF, at: 5, inRow: base)
            for i in 0..<(16 * format.fieldsPerByte) {
                let expected = i == 5 ? format.fieldMask : UInt8(i) & format.fieldMask
                #expect(format.field(at: i, inRow: UnsafeRawPointer(base)) == expected, "\(format) field \(i)")
            }
        }
    }

    @Test func writePaddingKeepsTheCodesAndFillsTheRest() {
        var row = [UInt8](repeating: 0, count: 16)
        row[0] = 0b11_10_01_00
        row[1] = 0b11_11_11_00
        row.withUnsafeMutableBytes { QuantFormat.signed2.writePadding(row: $0.baseAddress!, columns: 5, rowStride: 16) }
        // Fields are code + 2: 0, 1, 2, 3 | 0, then padding fields 2.
        #expect(row[0] == 0b11_10_01_00)
        #expect(row[1] == 0b10_10_10_00)
        #expect(row[2...].allSatisfy { $0 == 0b10_10_10_10 })
    }
}
