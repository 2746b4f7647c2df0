import QVKernelsMath

/// Scalar reference for quantize-and-pack: one `Quantizer.code(_:)` and one field store per
/// element, then the row padding.

func quantizeScalar<Source: FloatMatrixSource>(
    _ source: Source, quantizer: Quantizer, into destination: MutablePackedMatrix
) {
    for row in 0..<destination.rows {
        for column in 0..<destination.columns {
            destination.setCode(quantizer.code(source.element(row: row, column: column)), row: row, column: column)
        }
    }
    destination.writePadding()
}
