/// A tensor of one training step: FP32 values in row-major order, its shape, and — once the
/// tape's backward pass reaches it — the gradient of the loss with respect to it.
///
/// Parameters are variables that live across steps (`requiresGradient`, gradients zeroed by the
/// optimizer); activations are made by the ops of one `Tape` and dropped with it.
public final class Variable {
    /// Dimensions, outermost first.
    public let shape: [Int]
    /// The values, `shape.reduce(1, *)` of them.
    public var value: [Float]
    /// d loss / d value, same count as `value`; empty until a gradient is accumulated.
    public internal(set) var grad: [Float] = []
    /// Whether gradients flow to this variable (parameters, and everything computed from them).
    public let requiresGradient: Bool

    /// A variable of `shape` holding `value`.
    public init(shape: [Int], value: [Float], requiresGradient: Bool = false) {
        precondition(shape.reduce(1, *) == value.count, "Variable: \(value.count) values for shape \(shape)")
        self.shape = shape
        self.value = value
        self.requiresGradient = requiresGradient
    }

    /// A variable of `shape` filled with zeros.
    public convenience init(zeros shape: [Int], requiresGradient: Bool = false) {
        self.init(shape: shape, value: [Float](repeating: 0, count: shape.reduce(1, *)), requiresGradient: requiresGradient)
    }

    /// Number of values.
    public var count: Int { value.count }

    /// Whether a gradient has been accumulated.
    public var hasGradient: Bool { !grad.isEmpty }

    /// Drops the gradient (the optimizer does this after each step).
    public func zeroGradient() { grad = [] }

    /// `grad += g` over all values, allocating zeros first.
    func accumulate(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        if grad.isEmpty { grad = [Float](repeating: 0, count: value.count) }
        grad.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Adds `g` (same count) to the gradient.
    func accumulate(_ g: [Float]) {
        precondition(g.count == value.count, "Variable: gradient of \(g.count) for \(value.count) values")
        if grad.isEmpty { grad = g; return }
        grad.withUnsafeMutableBufferPointer { d in
            g.withUnsafeBufferPointer { s in
                let out = SharedPointer(base: d.baseAddress!)
                Parallel.forEach(d.count) { out.base[$0] += s[$0] }
            }
        }
    }
}
