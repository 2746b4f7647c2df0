// Packed matrices: code round trips through setCode/code, padding (row strides and padding
// bytes are QVQuant's, tested in QVQuantTests/FieldPlacementTests).
import Testing
import QVKernels

@Suite struct PackingTests {
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
