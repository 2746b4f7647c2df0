import QVFormat
import QVKernels

extension QuantFormat {
    /// How codes of this format are stored in a `.qvb` (its row of the traits table).
    var elementType: QVB.ElementType { QVB.ElementType(traits.storage) }

    /// The schema's name for this format's scheme.
    var qvbScheme: QVB.QuantScheme { QVB.QuantScheme(scheme) }
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
