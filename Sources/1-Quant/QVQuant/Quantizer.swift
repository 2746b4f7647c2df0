/// A quantizer: format plus real scale and offset. `code(_:)` is *the* rounding rule:
/// `clamp(roundHalfEven((x - offset) * (1 / scale)))`, or `x >= offset ? +1 : -1` for binary.
public struct Quantizer: Hashable, Sendable {
    /// The code format.
    public let format: QuantFormat
    /// Step between neighbouring codes (> 0).
    public let scale: Float
    /// Real value of code 0.
    public let offset: Float
    /// `1 / scale`, computed once: every implementation multiplies by this, never divides.
    public let inverseScale: Float

    /// Creates a quantizer; `scale` must be positive and finite.
    @inlinable
    public init(format: QuantFormat, scale: Float, offset: Float = 0) {
        precondition(scale > 0 && scale.isFinite, "quantizer scale must be positive and finite")
        self.format = format
        self.scale = scale
        self.offset = offset
        self.inverseScale = 1 / scale
    }

    /// The code for a real value.
    @inlinable @inline(__always)
    public func code(_ x: Float) -> Int32 {
        if format.scheme == .binarySign { return x >= offset ? 1 : -1 }
        let r = ((x - offset) * inverseScale).rounded(.toNearestOrEven)
        // Compare in Float so that NaN and ±inf clamp instead of trapping on conversion.
        let lo = Float(format.codeMin), hi = Float(format.codeMax)
        if !(r >= lo) { return format.codeMin }
        if r > hi { return format.codeMax }
        return Int32(r)
    }

    /// The real value a code stands for.
    @inlinable @inline(__always)
    public func value(ofCode code: Int32) -> Float { scale * Float(code) + offset }

    /// `value(ofCode: code(x))`: the fake-quantized value the trainer's forward pass uses.
    @inlinable @inline(__always)
    public func fakeQuantize(_ x: Float) -> Float { value(ofCode: code(x)) }
}
