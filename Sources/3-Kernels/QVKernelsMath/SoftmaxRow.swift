/// Numerically stable softmax over one row — subtract the maximum, exponentiate, multiply by the
/// reciprocal of the sum — 16 lanes at a time with the sum reduced by `treeSum`, so the result
/// depends only on the input, never on the ISA that runs it.

extension Lanes16 {
    /// Replaces `count` floats at `values` by their softmax. Entries equal to `-infinity` get
    /// probability 0; if every entry is `-infinity` all become 0. A NaN or `+infinity` entry makes
    /// the row NaN.
    @_alwaysEmitIntoClient @inline(__always)
    public static func softmaxRow(_ values: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        let reciprocal = exponentiate(values, count: count)
        let full = count / 16, tail = count % 16
        for chunk in 0..<full { storeSixteen(loadSixteen(values + chunk * 16) * reciprocal, to: values + chunk * 16) }
        if tail > 0 {
            storeSixteen(loadSixteen(values + full * 16, count: tail, filler: 0) * reciprocal, to: values + full * 16, count: tail)
        }
    }

    /// The first two passes of softmax: subtracts the row maximum, exponentiates in place and
    /// returns 1 / Σ (the sum reduced by `treeSum`); a row of only `-infinity` becomes zeros (and 1
    /// is returned). NaN entries do not take part in the maximum; they make the sum NaN. Softmax
    /// fused with quantization is this, then `quantizePack` of `ScaledFloats` (called with concrete
    /// types from each ISA module, so that it is specialised there).
    @_alwaysEmitIntoClient @inline(__always)
    public static func exponentiate(_ values: UnsafeMutablePointer<Float>, count: Int) -> Float {
        let full = count / 16, tail = count % 16
        var laneMaxima = SIMD16<Float>(repeating: -.infinity)
        for chunk in 0..<full { laneMaxima = larger(laneMaxima, loadSixteen(values + chunk * 16)) }
        if tail > 0 { laneMaxima = larger(laneMaxima, loadSixteen(values + full * 16, count: tail, filler: -.infinity)) }
        let m8 = larger(laneMaxima.lowHalf, laneMaxima.highHalf), m4 = larger(m8.lowHalf, m8.highHalf)
        let m2 = larger(m4.lowHalf, m4.highHalf)
        let maximum = Swift.max(m2[0], m2[1])
        guard maximum != -.infinity else {
            values.update(repeating: 0, count: count)
            return 1
        }
        exponentialsInPlace(values, count: full * 16, minus: maximum)
        var sums = SIMD16<Float>()
        for chunk in 0..<full { sums += loadSixteen(values + chunk * 16) }
        if tail > 0 {
            let e = exponential(loadSixteen(values + full * 16, count: tail, filler: -.infinity) - maximum)
            storeSixteen(e, to: values + full * 16, count: tail)
            sums += e
        }
        return 1 / treeSum(sums)
    }

    /// e^(x − `minus`) in place over `count` (a multiple of 16) floats: a loop of its own, so the
    /// exponential is inlined into it and independent chunks overlap in the pipeline.
    @_alwaysEmitIntoClient @inline(__always)
    public static func exponentialsInPlace(_ values: UnsafeMutablePointer<Float>, count: Int, minus: Float) {
        for start in stride(from: 0, to: count, by: 16) {
            storeSixteen(exponential(loadSixteen(values + start) - minus), to: values + start)
        }
    }
}

/// One row read scaled: element (0, c) is `base[c] · factor` (the normalisation of softmax).
public struct ScaledFloats: FloatMatrixSource {
    /// First element.
    public let base: UnsafePointer<Float>
    /// Multiplies every element.
    public let factor: Float

    /// A scaled view of one row.
    @inlinable public init(base: UnsafePointer<Float>, factor: Float) { self.base = base; self.factor = factor }

    @_alwaysEmitIntoClient @inline(__always)
    public func element(row: Int, column: Int) -> Float { base[column] * factor }

    @_alwaysEmitIntoClient @inline(__always)
    public func sixteen(row: Int, column: Int) -> SIMD16<Float> {
        UnsafeRawPointer(base + column).loadUnaligned(as: SIMD16<Float>.self) * factor
    }
}

extension Lanes16 {
    /// 16 floats from `source`.
    @_alwaysEmitIntoClient @inline(__always)
    public static func loadSixteen(_ source: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Float>.self)
    }
}

extension Lanes16 {
    /// The first `count` (< 16) floats from `source`, `filler` in the other lanes.
    @_alwaysEmitIntoClient @inline(__always)
    public static func loadSixteen(_ source: UnsafePointer<Float>, count: Int, filler: Float) -> SIMD16<Float> {
        var v = SIMD16<Float>(repeating: filler)
        for lane in 0..<count { v[lane] = source[lane] }
        return v
    }
}

extension Lanes16 {
    /// Stores 16 floats.
    @_alwaysEmitIntoClient @inline(__always)
    public static func storeSixteen(_ v: SIMD16<Float>, to destination: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(destination).storeBytes(of: v, as: SIMD16<Float>.self)
    }
}

extension Lanes16 {
    /// Stores the first `count` (< 16) lanes.
    @_alwaysEmitIntoClient @inline(__always)
    public static func storeSixteen(_ v: SIMD16<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
        for lane in 0..<count { destination[lane] = v[lane] }
    }
}

extension Lanes16 {
    /// Lane-wise maximum as compare-and-blend (a NaN in `b` is ignored). Concrete per width:
    /// comparisons on a generic `SIMD` type lower to a loop over lanes.
    @_alwaysEmitIntoClient @inline(__always)
    public static func larger(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { a.replacing(with: b, where: b .> a) }

    /// Lane-wise maximum of 8 lanes; see `larger(_:_:)`.
    @_alwaysEmitIntoClient @inline(__always)
    public static func larger(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }

    /// Lane-wise maximum of 4 lanes; see `larger(_:_:)`.
    @_alwaysEmitIntoClient @inline(__always)
    public static func larger(_ a: SIMD4<Float>, _ b: SIMD4<Float>) -> SIMD4<Float> { a.replacing(with: b, where: b .> a) }

    /// Lane-wise maximum of 2 lanes; see `larger(_:_:)`.
    @_alwaysEmitIntoClient @inline(__always)
    public static func larger(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> SIMD2<Float> { a.replacing(with: b, where: b .> a) }
}
