/// Numerically stable softmax over one row — subtract the maximum, exponentiate, divide by the
/// sum — 16 lanes at a time with the sum reduced by `treeSum`, so the result depends only on
/// the input, never on the ISA that runs it.

extension Lanes16 {
    /// Replaces `count` floats at `values` by their softmax. Entries equal to `-infinity` get
    /// probability 0; if every entry is `-infinity` all become 0. A NaN or `+infinity` entry makes
    /// the row NaN.
    @_alwaysEmitIntoClient @inline(__always)
    public static func softmaxRow(_ values: UnsafeMutablePointer<Float>, count: Int) {
        guard count > 0 else { return }
        let full = count / 16, tail = count % 16
        var laneMaxima = SIMD16<Float>(repeating: -.infinity)
        for chunk in 0..<full { laneMaxima = larger(laneMaxima, loadSixteen(values + chunk * 16)) }
        if tail > 0 { laneMaxima = larger(laneMaxima, loadSixteen(values + full * 16, count: tail, filler: -.infinity)) }
        let m8 = larger(laneMaxima.lowHalf, laneMaxima.highHalf), m4 = larger(m8.lowHalf, m8.highHalf)
        let m2 = larger(m4.lowHalf, m4.highHalf)
        let maximum = Swift.max(m2[0], m2[1])
        // NaN entries do not take part in the maximum; they reach the exponentials and make the row NaN.
        guard maximum != -.infinity else {
            values.update(repeating: 0, count: count)
            return
        }
        var sums = SIMD16<Float>()
        for chunk in 0..<full {
            let e = exponential(loadSixteen(values + chunk * 16) - maximum)
            storeSixteen(e, to: values + chunk * 16)
            sums += e
        }
        if tail > 0 {
            let e = exponential(loadSixteen(values + full * 16, count: tail, filler: -.infinity) - maximum)
            storeSixteen(e, to: values + full * 16, count: tail)
            sums += e
        }
        let sum = treeSum(sums)
        for chunk in 0..<full { storeSixteen(loadSixteen(values + chunk * 16) / sum, to: values + chunk * 16) }
        if tail > 0 {
            storeSixteen(loadSixteen(values + full * 16, count: tail, filler: 0) / sum, to: values + full * 16, count: tail)
        }
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
