// Packed layout: row strides, code round trips through setCode/code, padding.
import Testing
import QVKernels

@Suite struct PackingTests {
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
        for format in allFormats where format != .signed2 { #expect(format.paddingByte == 0, "\(format)") }
    }

    @Test(arguments: allFormats)
    func codesRoundTripAndPaddingIsCanonical(format: QuantFormat) {
        var generator = SeededGenerator(seed: 7)
        for columns in [1, 3, 7, 8, 63, 64, 65, 130, 513] {
            let (buffer, codes) = randomPacked(rows: 3, columns: columns, format: format, using: &generator)
            #expect(buffer.codes == codes, "\(format) columns \(columns)")
            #expect(buffer.paddingIsCanonical, "\(format) columns \(columns)")
            #expect(buffer.guardIntact)
        }
    }

    @Test func fieldsAreLittleEndianWithinBytes() {
        let buffer = PackedBuffer(rows: 1, columns: 5, format: .signed2, fill: 0)
        for (column, code) in [Int32(-2), -1, 0, 1, -2].enumerated() { buffer.matrix.setCode(code, row: 0, column: column) }
        buffer.matrix.writePadding()
        // Fields are code + 2: 0, 1, 2, 3 | 0, then padding fields 2.
        #expect(buffer.bytes[0] == 0b11_10_01_00)
        #expect(buffer.bytes[1] == 0b10_10_10_00)
        #expect(buffer.bytes[2] == 0b10_10_10_10)
    }
}
