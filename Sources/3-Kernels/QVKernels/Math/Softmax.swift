import QVKernelsMath

/// Softmax over one row (QVKernelsMath's `softmaxRow`: 16 lanes, fixed reduction tree), run by
/// the instantiation of `path`; every path gives the same bits.

/// Replaces `count` floats at `values` by their softmax. Entries equal to `-Float.infinity` get
/// probability 0; if every entry is `-infinity` (nothing to attend to) all become 0. A NaN or
/// `+infinity` entry makes the row NaN.
public func softmaxInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, path: KernelPath = .portable) {
    RowKernelTable.of(path).softmaxRow(values, count)
}

/// Softmax of each of `destination.rows` rows of `destination.columns` floats at `values`
/// (`stride` apart; overwritten by intermediate exponentials), quantized by `quantizer` and packed
/// into `destination`: exactly `quantizer.code` of `softmaxInPlace`'s results, on every path.
public func softmaxQuantizeRows(_ values: UnsafeMutablePointer<Float>, stride: Int, quantizer: Quantizer,
                                into destination: MutablePackedMatrix, path: KernelPath) {
    assert(destination.format == quantizer.format, "softmaxQuantizeRows: destination format differs from the quantizer's")
    guard destination.columns > 0, destination.rowStride >= destination.format.packedBytes(count: destination.columns) else {
        return
    }
    let lanes = LaneQuantizer(quantizer), n = destination.columns, kernels = RowKernelTable.of(path)
    for row in 0..<destination.rows {
        let x = values + row * stride, out = destination.base + row * destination.rowStride
        if path == .scalar {
            softmaxInPlace(x, count: n, path: .scalar)
            let single = MutablePackedMatrix(base: out, rows: 1, columns: n, rowStride: destination.rowStride, format: quantizer.format)
            quantizeRows(x, sourceStride: n, quantizer: quantizer, into: single, path: .scalar)
        } else {
            kernels.softmaxQuantizeRow(x, n, lanes, out, destination.rowStride)
        }
    }
}
