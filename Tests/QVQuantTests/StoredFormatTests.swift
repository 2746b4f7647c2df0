// The traits table and the pairing rule, against the rules they replaced.
import Testing
import QVQuant

@Suite struct StoredFormatTests {
    @Test func tableHoldsTheEightStoredFormatsOnce() {
        #expect(storedFormats == [.binary, .unsigned1, .signed2, .unsigned2, .signed4, .unsigned4, .signed8, .unsigned8])
        #expect(Set(storedFormats).count == QuantFormat.stored.count)
        for row in QuantFormat.stored { #expect(row.format.traits == row) }
    }

    @Test func onlyTableRowsAreFormats() {
        for scheme in QuantScheme.allCases {
            for bits in 0...9 {
                let stored: Bool
                switch (scheme, bits) {
                case (.binarySign, 1), (.unsignedOffset, 1), (.signedSymmetric, 2), (.unsignedOffset, 2),
                     (.signedSymmetric, 4), (.unsignedOffset, 4), (.signedSymmetric, 8), (.unsignedOffset, 8): stored = true
                default: stored = false
                }
                #expect((QuantFormat(scheme: scheme, bits: bits) != nil) == stored, "\(scheme) \(bits)")
                #expect(QuantFormat(scheme: scheme, bits: bits).map { $0.scheme == scheme && $0.bits == bits } ?? true)
            }
        }
    }

    @Test func storageRawValuesAreTheSchemasElementTypes() {
        #expect(ElementStorage.allCases.map { $0.rawValue } == [2, 3, 4, 5])
        let storage = QuantFormat.stored.map { "\($0.format) \($0.storage)" }
        #expect(storage == ["b1 u1", "u1 u1", "s2 u2", "u2 u2", "s4 i8", "u4 u8", "s8 i8", "u8 u8"])
        // 4-bit codes sit in 8-bit fields: two's complement (signed) or plain (unsigned).
        #expect(QuantFormat.stored.map { $0.format.fieldBits } == [1, 1, 2, 2, 8, 8, 8, 8])
        #expect([-8, -1, 0, 7].map { QuantFormat.signed4.field(ofCode: $0) } == [0xF8, 0xFF, 0, 7])
        #expect(QuantScheme.allCases.map { $0.rawValue } == [1, 2, 3])
    }

    @Test func storedAsAcceptsOnlyTheTablesStorage() {
        for scheme in QuantScheme.allCases {
            for bits in [1, 2, 8] {
                for storage in ElementStorage.allCases {
                    // The rule of the runtime's and validator's former checks.
                    let bitsOfStorage = [ElementStorage.i8: 8, .u8: 8, .u2: 2, .u1: 1][storage]!
                    let expected = QuantFormat(scheme: scheme, bits: bits) != nil && bitsOfStorage == bits
                        && (storage != .i8 || scheme == .signedSymmetric) && (storage != .u8 || scheme == .unsignedOffset)
                    #expect((QuantFormat(scheme: scheme, bits: bits, storedAs: storage) != nil) == expected,
                            "\(scheme) \(bits) as \(storage)")
                }
            }
        }
    }

    @Test func pairingRuleIsXorAndOrMultiBit() {
        for a in storedFormats {
            for w in storedFormats {
                // The former rule: b1 × b1 XOR, u1 × b1 AND, any {2, 8}-bit × {2, 8}-bit pair multi-bit.
                let expected: IntegerProduct?
                switch (a, w) {
                case (.binary, .binary): expected = .binaryXor
                case (.unsigned1, .binary): expected = .unsignedBitAnd
                default: expected = a.bits >= 2 && w.bits >= 2 ? .multiBit : nil
                }
                #expect(IntegerProduct(activations: a, weights: w) == expected, "\(a) × \(w)")
            }
        }
    }
}
