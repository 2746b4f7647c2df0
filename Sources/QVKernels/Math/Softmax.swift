/// Numerically stable softmax over one row: subtract the maximum, exponentiate with
/// `exponential`, divide by the sum. Four lanes at a time with a fixed summation order, so the
/// result depends only on the input. One implementation for every kernel path.

/// Replaces `count` floats at `values` by their softmax. Entries equal to `-Float.infinity` get
/// probability 0; if every entry is `-infinity` (nothing to attend to) all become 0. A NaN or
/// `+infinity` entry makes the row NaN.
public func softmaxInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    guard count > 0 else { return }
    let raw = UnsafeMutableRawPointer(values)
    let fullGroups = count / 4
    let tailStart = fullGroups * 4

    var laneMaxima = SIMD4<Float>(repeating: -.infinity)
    for group in 0..<fullGroups {
        laneMaxima = pointwiseMax(laneMaxima, raw.loadUnaligned(fromByteOffset: group * 16, as: SIMD4<Float>.self))
    }
    var maximum = laneMaxima.max()
    for index in tailStart..<count { maximum = max(maximum, values[index]) }
    guard maximum > -.infinity else {
        values.update(repeating: 0, count: count)
        return
    }

    var laneSums = SIMD4<Float>()
    for group in 0..<fullGroups {
        let x = raw.loadUnaligned(fromByteOffset: group * 16, as: SIMD4<Float>.self)
        let e = exponential(x - maximum)
        raw.storeBytes(of: e, toByteOffset: group * 16, as: SIMD4<Float>.self)
        laneSums += e
    }
    var sum = (laneSums[0] + laneSums[1]) + (laneSums[2] + laneSums[3])
    for index in tailStart..<count {
        values[index] = exponential(values[index] - maximum)
        sum += values[index]
    }

    for group in 0..<fullGroups {
        let e = raw.loadUnaligned(fromByteOffset: group * 16, as: SIMD4<Float>.self)
        raw.storeBytes(of: e / sum, toByteOffset: group * 16, as: SIMD4<Float>.self)
    }
    for index in tailStart..<count { values[index] /= sum }
}
