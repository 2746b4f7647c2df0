import QVKernelsMath

/// The portable quantize-and-pack: QVKernelsMath's 16-lane `quantizePack` compiled for the
/// baseline ISA (SSE2 on x86-64, NEON on ARM64).
func quantizePortable<Source: FloatMatrixSource>(
    _ source: Source, quantizer: Quantizer, into destination: MutablePackedMatrix
) {
    BaselineKernels.quantizePack(source, rows: destination.rows, columns: destination.columns, lanes: LaneQuantizer(quantizer),
                 into: destination.base, rowStride: destination.rowStride)
}

extension LaneQuantizer {
    /// The lane form of `quantizer`.
    init(_ quantizer: Quantizer) {
        let format = quantizer.format
        self.init(isBinary: format.scheme == .binarySign, offset: quantizer.offset, inverseScale: quantizer.inverseScale,
                  codeMin: format.codeMin, codeMax: format.codeMax,
                  fieldBias: format.scheme == .signedSymmetric && format.fieldBits < 8 ? -format.codeMin : 0,
                  bits: format.fieldBits, paddingField: format.paddingField, paddingByte: format.paddingByte)
    }
}
