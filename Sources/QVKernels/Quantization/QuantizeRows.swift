/// Quantize-and-pack: FP32 rows (or the columns of an FP32 matrix) to packed code rows, with
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
    quantize(RowMajorFloats(base: source, stride: sourceStride), quantizer: quantizer, into: destination, path: path)
}

/// Like `quantizeRows`, but element (`r`, `c`) is read from `source[c * sourceStride + r]`:
/// packs the transpose of a row-major matrix (vᵀ per attention head).
public func quantizeColumns(
    _ source: UnsafePointer<Float>, sourceStride: Int, quantizer: Quantizer,
    into destination: MutablePackedMatrix, path: KernelPath
) {
    quantize(TransposedFloats(base: source, stride: sourceStride), quantizer: quantizer, into: destination, path: path)
}

private func quantize<Source: FloatMatrixSource>(
    _ source: Source, quantizer: Quantizer, into destination: MutablePackedMatrix, path: KernelPath
) {
    assert(destination.format == quantizer.format, "quantize: destination format differs from the quantizer's")
    guard destination.rows > 0, destination.columns >= 0,
          destination.rowStride >= destination.format.packedBytes(count: destination.columns) else { return }
    switch path {
    case .scalar: quantizeScalar(source, quantizer: quantizer, into: destination)
    case .portable, .avx2, .avx512: quantizePortable(source, quantizer: quantizer, into: destination)
    }
}

/// Where quantization reads element (`row`, `column`) of its FP32 input.
protocol FloatMatrixSource {
    /// Element (`row`, `column`).
    func element(row: Int, column: Int) -> Float
    /// Elements (`row`, `column` ..< `column + 16`).
    func sixteen(row: Int, column: Int) -> SIMD16<Float>
}

/// Row-major input: element (r, c) at `base[r * stride + c]`.
struct RowMajorFloats: FloatMatrixSource {
    let base: UnsafePointer<Float>
    let stride: Int

    @inline(__always)
    func element(row: Int, column: Int) -> Float { base[row * stride + column] }

    @inline(__always)
    func sixteen(row: Int, column: Int) -> SIMD16<Float> {
        UnsafeRawPointer(base + row * stride + column).loadUnaligned(as: SIMD16<Float>.self)
    }
}

/// Transposed input: element (r, c) at `base[c * stride + r]`.
struct TransposedFloats: FloatMatrixSource {
    let base: UnsafePointer<Float>
    let stride: Int

    @inline(__always)
    func element(row: Int, column: Int) -> Float { base[column * stride + row] }

    @inline(__always)
    func sixteen(row: Int, column: Int) -> SIMD16<Float> {
        var lanes = SIMD16<Float>()
        let start = base + column * stride + row
        for lane in 0..<16 { lanes[lane] = start[lane * stride] }
        return lanes
    }
}
