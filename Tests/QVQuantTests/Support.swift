// Shared helpers for the QVQuant testers.
import QVQuant

/// Every stored format, from the traits table.
let storedFormats: [QuantFormat] = QuantFormat.stored.map { $0.format }

/// Quantizers with a power-of-two scale (half-way points exact) and two with offsets.
func sampleQuantizers(for format: QuantFormat) -> [Quantizer] {
    [Quantizer(format: format, scale: 0.25, offset: 0),
     Quantizer(format: format, scale: 0.5, offset: 1.5),
     Quantizer(format: format, scale: 0.1, offset: -0.3)]
}
