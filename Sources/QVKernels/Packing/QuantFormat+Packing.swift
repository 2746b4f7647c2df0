/// Byte-level packing facts derived from `QuantFormat` (its field layout is the definition).
extension QuantFormat {
    /// Mask of one field's bits, in the low bits of a byte.
    @inline(__always)
    public var fieldMask: UInt8 { UInt8(truncatingIfNeeded: (1 << bits) - 1) }

    /// A byte whose every field slot holds `paddingField`.
    public var paddingByte: UInt8 {
        var byte: UInt8 = 0
        for slot in 0..<fieldsPerByte { byte |= paddingField << UInt8(slot * bits) }
        return byte
    }
}
