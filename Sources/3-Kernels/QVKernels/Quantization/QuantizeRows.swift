import QVKernelsMath

/// Quantize-and-pack: FP32 rows to packed code rows, with
/// exactly `Quantizer.code(_:)` for every element and canonical padding after every row.

/// Quantizes `destination.rows` rows of `destination.columns` floats, row `r` starting at
/// `source + r * sourceStride`, and packs them into `destination`, padding included.
///
/// Every element gets exactly `quantizer.code(x)`. `destination.format` must equal
/// `quantizer.format`; `destination.rowStride` must hold a packed row. Empty or negative
/// shapes write nothing.
public func quantizeRows(
    _ source: UnsafePointer<Float>, sourceStride: Int, quantizer: Quantizer,
    into destination: MutablePackedMatrix, path: KernelPath
) {
    if path != .scalar, let run = RowKernelTable.of(path).quantizeRows, destination.rows > 0, destination.columns >= 0,
       destination.rowStride >= destination.format.packedBytes(count: destination.columns) {
        assert(destination.format == quantizer.format, "quantize: destination format differs from the quantizer's")
        return run(source, sourceStride, destination.rows, destination.columns, LaneQuantizer(quantizer),
                   destination.base, destination.rowStride)
    }
    quantize(RowMajorFloats(base: source, stride: sourceStride), quantizer: quantizer, into: destination, path: path)
}

private func quantize<Source: FloatMatrixSource>(
    _ source: Source, quantizer: Quantizer, into destination: MutablePackedMatrix, path: KernelPath
) {
    assert(destination.format == quantizer.format, "quantize: destination format differs from the quantizer's")
    guard destination.rows > 0, destination.columns >= 0,
          destination.rowStride >= destination.format.packedBytes(count: destination.columns) else { return }
    switch path {
    case .scalar: quantizeScalar(source, quantizer: quantizer, into: destination)
    case .portable, .avx2, .avx512, .neon: quantizePortable(source, quantizer: quantizer, into: destination)
    }
}
