import QVQuant

// The schema's element types and schemes beside QVQuant's traits table: raw values are the
// same numbers (formats/qvb.fbs), so each side converts to the other without a table of its own.

extension QVB.ElementType {
    /// The element type that stores codes as `storage`.
    public init(_ storage: ElementStorage) {
        guard let type = QVB.ElementType(rawValue: storage.rawValue) else {
            preconditionFailure("ElementStorage raw values are the schema's ElementType values")
        }
        self = type
    }

    /// How elements of this type store codes, or nil for f32 and i32.
    public var storage: ElementStorage? { ElementStorage(rawValue: rawValue) }
}

extension QVB.QuantScheme {
    /// The schema's name for `scheme`.
    public init(_ scheme: QVQuant.QuantScheme) {
        guard let named = QVB.QuantScheme(rawValue: scheme.rawValue) else {
            preconditionFailure("QVQuant.QuantScheme raw values are the schema's QuantScheme values")
        }
        self = named
    }
}

extension QVB.Quantization {
    /// The stored format these parameters name (scheme and bits), or nil if the traits table
    /// has none.
    public var format: QuantFormat? {
        QVQuant.QuantScheme(rawValue: scheme.rawValue).flatMap { QuantFormat(scheme: $0, bits: bits) }
    }

    /// The stored format these parameters name for codes stored as `type`, or nil if they name
    /// none or the traits table stores that format as another element type.
    public func format(storedAs type: QVB.ElementType) -> QuantFormat? {
        guard let storage = type.storage, let scheme = QVQuant.QuantScheme(rawValue: scheme.rawValue) else { return nil }
        return QuantFormat(scheme: scheme, bits: bits, storedAs: storage)
    }
}

extension QuantFormat {
    /// How codes of this format are stored in a `.qvb` (its row of the traits table).
    public var elementType: QVB.ElementType { QVB.ElementType(traits.storage) }
}

extension QVB.Quantization {
    /// The per-tensor quantization of `q`.
    public init(_ q: Quantizer) {
        self.init(scheme: QVB.QuantScheme(q.format.scheme), bits: q.format.bits, axis: -1, scale: [q.scale],
                  offset: q.offset == 0 ? [] : [q.offset])
    }

    /// Per-channel quantization of `format` along `axis` with one scale per channel, offsets zero.
    public init(_ format: QuantFormat, axis: Int, scales: [Float]) {
        self.init(scheme: QVB.QuantScheme(format.scheme), bits: format.bits, axis: axis, scale: scales, offset: [])
    }
}
