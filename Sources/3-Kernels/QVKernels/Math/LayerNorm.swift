import QVKernelsMath

/// LayerNorm over rows in FP32 (QVKernelsMath's `layerNormRow`: two passes, 16 lanes, fixed
/// reduction tree), run by the instantiation of `path`; every path gives the same bits.

/// Normalises `rows` rows of `columns` floats (row r at `x + r * stride`) into `output` (row r at
/// `output + r * outputStride`), with per-column `gamma` and `beta`. `output` may equal `x`
/// (same strides) for in-place use.
public func layerNorm(
    _ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float,
    output: UnsafeMutablePointer<Float>, outputStride: Int, path: KernelPath = .portable
) {
    guard rows > 0, columns > 0 else { return }
    let normalize = RowKernelTable.of(path).layerNormRow
    for row in 0..<rows {
        normalize(x + row * stride, columns, gamma, beta, epsilon, output + row * outputStride)
    }
}
