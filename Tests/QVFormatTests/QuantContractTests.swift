// The schema's element types and schemes beside QVQuant's traits table.
import Testing
import QVFormat
import QVQuant

@Suite struct QuantContractTests {
    @Test func everyStoredFormatHasAnElementTypeOfItsWidth() {
        for row in QuantFormat.stored {
            let type = QVB.ElementType(row.storage)
            #expect(type.isPacked && type.bits == row.format.fieldBits, "\(row.format) as \(type)")
            #expect(type.storage == row.storage)
            let quant = QVB.Quantization(scheme: QVB.QuantScheme(row.scheme), bits: row.bits, scale: [1])
            #expect(quant.format == row.format)
            #expect(quant.format(storedAs: type) == row.format)
        }
        #expect(QVB.ElementType.f32.storage == nil && QVB.ElementType.i32.storage == nil)
    }

    @Test func quantizationNamingNoStoredFormatHasNone() {
        #expect(QVB.Quantization(scheme: .none, bits: 8, scale: [1]).format == nil)
        #expect(QVB.Quantization(scheme: .binarySign, bits: 2, scale: [1]).format == nil)
        #expect(QVB.Quantization(scheme: .signedSymmetric, bits: 8, scale: [1]).format(storedAs: .u8) == nil)
        #expect(QVB.Quantization(scheme: .unsignedOffset, bits: 2, scale: [1]).format(storedAs: .u1) == nil)
        #expect(QVB.Quantization(scheme: .unsignedOffset, bits: 8, scale: [1]).format(storedAs: .f32) == nil)
    }
}
