import QVFormat
import QVKernels

extension QuantFormat {
    /// How codes of this format are stored in a `.qvb`.
    var elementType: QVB.ElementType {
        switch (bits, scheme) {
        case (1, _): return .u1
        case (2, _): return .u2
        case (_, .signedSymmetric): return .i8
        default: return .u8
        }
    }

    /// The schema's name for this format's scheme.
    var qvbScheme: QVB.QuantScheme {
        switch scheme {
        case .signedSymmetric: return .signedSymmetric
        case .unsignedOffset: return .unsignedOffset
        case .binarySign: return .binarySign
        }
    }
}

extension QVB.Quantization {
    /// The per-tensor quantization of `q`.
    init(_ q: Quantizer) {
        self.init(scheme: q.format.qvbScheme, bits: q.format.bits, axis: -1, scale: [q.scale],
                  offset: q.offset == 0 ? [] : [q.offset])
    }

    /// Per-channel quantization along `axis` with one scale per channel, offsets zero.
    init(_ format: QuantFormat, axis: Int, scales: [Float]) {
        self.init(scheme: format.qvbScheme, bits: format.bits, axis: axis, scale: scales, offset: [])
    }
}
