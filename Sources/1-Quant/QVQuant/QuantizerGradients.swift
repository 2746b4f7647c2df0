/// The trainer's backward rule beside `Quantizer.code`: gradients of `fakeQuantize` with the
/// straight-through estimator (STE) for rounding, and LSQ / LSQ+ gradients for the learned step
/// size and offset.
///
/// With `v = (x - offset) / scale`, the forward pass is `scale * clamp(round(v)) + offset`.
/// The STE lets rounding pass gradients as if it were the identity, so for multi-bit schemes
/// the value is treated as `scale * clamp(v) + offset` inside the code range
/// `codeMin ≤ v ≤ codeMax` and as the constant `scale * codeMin|codeMax + offset` outside it.
/// Binary codes (`scale * sign(v) + offset`) use the clipped STE of BinaryNet for `x`
/// (gradient 1 where `|x - offset| ≤ scale`, 0 beyond) and the exact, sign-based derivative
/// for the scale.
extension Quantizer {
    /// `v = (x - offset) / scale`, formed as `code(_:)` forms it (multiplying by `1 / scale`).
    @inlinable
    func normalized(_ x: Float) -> Float { (x - offset) * inverseScale }

    /// Whether the STE passes `x`'s gradient: `codeMin ≤ v ≤ codeMax` for multi-bit schemes,
    /// `|v| ≤ 1` for binary; false for NaN.
    @inlinable
    public func passesGradient(_ x: Float) -> Bool {
        let v = normalized(x)
        if format.scheme == .binarySign { return abs(v) <= 1 }
        return v >= Float(format.codeMin) && v <= Float(format.codeMax)
    }

    /// d fakeQuantize / dx under the STE: 1 inside the code range (binary: the window
    /// `|x - offset| ≤ scale`), 0 where the code is clamped.
    @inlinable
    public func straightThroughGradient(_ x: Float) -> Float { passesGradient(x) ? 1 : 0 }

    /// LSQ's d fakeQuantize / d scale: `round(v) - v` inside the code range, `codeMin` or
    /// `codeMax` where clamped. Binary: `sign(x - offset)` (the code, ±1) everywhere, the exact
    /// derivative of `scale * sign(v) + offset`.
    @inlinable
    public func stepSizeGradient(_ x: Float) -> Float {
        let rounded = Float(code(x))
        if format.scheme == .binarySign || !passesGradient(x) { return rounded }
        return rounded - normalized(x)
    }

    /// LSQ+'s d fakeQuantize / d offset: `1 - straightThroughGradient(x)` — 0 inside the code
    /// range (binary: inside the STE window), 1 where clamped — since the value depends on
    /// `x - offset` plus the offset itself.
    @inlinable
    public func offsetGradient(_ x: Float) -> Float { 1 - straightThroughGradient(x) }
}
