// The rounding rule and the field encoding, checked against their definitions.
import Testing
import QVQuant

@Suite struct QuantizerTests {
    @Test func codeRangesFollowSchemeAndBits() {
        let ranges = storedFormats.map { "\($0) \($0.codeMin)...\($0.codeMax)" }
        #expect(ranges == ["b1 -1...1", "u1 0...1", "s2 -2...1", "u2 0...3", "s4 -8...7", "u4 0...15", "s8 -128...127", "u8 0...255"])
    }

    @Test func halfWayPointsRoundToEven() {
        let q = Quantizer(format: .signed8, scale: 0.5)
        #expect([0.25, 0.75, 1.25, -0.25, -0.75, -1.25].map { q.code($0) } == [0, 2, 2, 0, -2, -2])
        let u = Quantizer(format: .unsigned2, scale: 1, offset: 0.5)
        #expect([1.0, 2.0, 3.0, 1.5].map { u.code($0) } == [0, 2, 2, 1])
    }

    @Test(arguments: storedFormats)
    func codesClampAndNonFiniteValuesClamp(format: QuantFormat) {
        for q in sampleQuantizers(for: format) where format.scheme != .binarySign {
            #expect(q.code(q.offset + 1e6 * q.scale) == format.codeMax)
            #expect(q.code(q.offset - 1e6 * q.scale) == format.codeMin)
            #expect(q.code(.infinity) == format.codeMax)
            #expect(q.code(-.infinity) == format.codeMin)
            #expect(q.code(.nan) == format.codeMin)
        }
    }

    @Test(arguments: storedFormats)
    func everyCodeInRangeIsReachedAtItsCenter(format: QuantFormat) {
        for q in sampleQuantizers(for: format) where format.scheme != .binarySign {
            for code in format.codeMin...format.codeMax {
                #expect(q.code(q.value(ofCode: code)) == code, "\(format) scale \(q.scale) code \(code)")
                #expect(q.fakeQuantize(q.value(ofCode: code)) == q.value(ofCode: code))
            }
        }
    }

    @Test func binaryCodesAreTheSignOfXMinusOffset() {
        let q = Quantizer(format: .binary, scale: 0.3, offset: 0.5)
        #expect([Float(0.5), Float(0.5).nextUp, Float(0.5).nextDown, 100, -100, .infinity, -.infinity].map { q.code($0) } == [1, 1, -1, 1, -1, 1, -1])
        #expect(q.code(.nan) == -1)
        #expect(q.fakeQuantize(2) == q.value(ofCode: 1) && q.fakeQuantize(0) == q.value(ofCode: -1))
    }

    @Test(arguments: storedFormats)
    func fieldsRoundTripEveryCode(format: QuantFormat) {
        let codes = format.scheme == .binarySign ? [-1, 1] : Array(format.codeMin...format.codeMax)
        for code in codes {
            let field = format.field(ofCode: code)
            #expect(field & ~format.fieldMask == 0, "\(format) code \(code)")
            #expect(format.code(ofField: field) == code, "\(format) code \(code)")
        }
    }

    @Test func fieldEncodingPerScheme() {
        #expect([-1, 1].map { QuantFormat.binary.field(ofCode: $0) } == [0, 1])
        #expect([-2, -1, 0, 1].map { QuantFormat.signed2.field(ofCode: $0) } == [0, 1, 2, 3])
        #expect([-128, -1, 0, 127].map { QuantFormat.signed8.field(ofCode: $0) } == [0x80, 0xFF, 0, 0x7F])
        #expect([0, 3].map { QuantFormat.unsigned2.field(ofCode: $0) } == [0, 3])
    }
}
