import QVKernelsMath
#if arch(x86_64)
import QVKernelsAVX2
import QVKernelsAVX512
#endif

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
    for row in 0..<rows {
        let input = x + row * stride, out = output + row * outputStride
        switch path {
        #if arch(x86_64)
        case .avx512: QVKernelsAVX512.layerNormRow(input, count: columns, gamma: gamma, beta: beta, epsilon: epsilon, output: out)
        case .avx2: QVKernelsAVX2.layerNormRow(input, count: columns, gamma: gamma, beta: beta, epsilon: epsilon, output: out)
        #endif
        default: BaselineKernels.layerNormRow(input, count: columns, gamma: gamma, beta: beta, epsilon: epsilon, output: out)
        }
    }
}
