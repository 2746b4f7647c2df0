/// LayerNorm over rows in FP32, two-pass: mean = Σx/n, variance = Σ(x − mean)²/n (biased), then
/// out = (x − mean) · (1/√(variance + ε)) · γ + β. Sums run in eight lanes with a fixed
/// combination order. One implementation for every kernel path.

/// Normalises `rows` rows of `columns` floats (row r at `x + r * stride`) into `output` (row r at
/// `output + r * outputStride`), with per-column `gamma` and `beta`. `output` may equal `x`
/// (same strides) for in-place use.
public func layerNorm(
    _ x: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float,
    output: UnsafeMutablePointer<Float>, outputStride: Int
) {
    guard rows > 0, columns > 0 else { return }
    let count = Float(columns)
    for row in 0..<rows {
        let input = x + row * stride
        let mean = laneSum(input, count: columns) { $0 } / count
        let variance = laneSum(input, count: columns) { ($0 - mean) * ($0 - mean) } / count
        let inverseDeviation = 1 / (variance + epsilon).squareRoot()
        normalize(input, count: columns, mean: mean, inverseDeviation: inverseDeviation,
                  gamma: gamma, beta: beta, into: output + row * outputStride)
    }
}

/// Σ term(v) over `count` floats, in eight lanes and then a fixed pairwise order.
@inline(__always)
private func laneSum(
    _ values: UnsafePointer<Float>, count: Int, _ term: (SIMD8<Float>) -> SIMD8<Float>
) -> Float {
    let raw = UnsafeRawPointer(values)
    var lanes = SIMD8<Float>()
    let fullGroups = count / 8
    for group in 0..<fullGroups {
        lanes += term(raw.loadUnaligned(fromByteOffset: group * 32, as: SIMD8<Float>.self))
    }
    var tail = SIMD8<Float>()
    for index in fullGroups * 8..<count { tail[index - fullGroups * 8] = values[index] }
    let tailTerms = term(tail)
    for lane in 0..<count - fullGroups * 8 { lanes[lane] += tailTerms[lane] }
    let quads = lanes.lowHalf + lanes.highHalf
    return (quads[0] + quads[1]) + (quads[2] + quads[3])
}

@inline(__always)
private func normalize(
    _ input: UnsafePointer<Float>, count: Int, mean: Float, inverseDeviation: Float,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, into output: UnsafeMutablePointer<Float>
) {
    let fullGroups = count / 8
    let source = UnsafeRawPointer(input), destination = UnsafeMutableRawPointer(output)
    let scales = UnsafeRawPointer(gamma), shifts = UnsafeRawPointer(beta)
    for group in 0..<fullGroups {
        let offset = group * 32
        let v = source.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let g = scales.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        let b = shifts.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        destination.storeBytes(of: (v - mean) * inverseDeviation * g + b, toByteOffset: offset, as: SIMD8<Float>.self)
    }
    for index in fullGroups * 8..<count {
        output[index] = (input[index] - mean) * inverseDeviation * gamma[index] + beta[index]
    }
}
