import QVCompiler
import QVQuant

/// A learned per-tensor quantizer of activations (LSQ, LSQ+ with a learnable offset, or the
/// elastic binarization of binary activations: learnable scale and threshold). Its forward is
/// `Quantizer.fakeQuantize` and its backward `Quantizer`'s STE / step / offset gradients — the
/// contract's one definition, so the trained network is the one `qvc compile` deploys.
public final class ActivationQuantizer {
    /// The point's name: the compiler's plan row label it exports to.
    public let label: String
    /// Code format.
    public let format: QuantFormat
    /// Step size, `[1]`.
    public let scale: Variable
    /// Offset (real value of code 0), `[1]`; nil when pinned to 0 (attention operands).
    public let offset: Variable?
    /// How the first batch sets the starting point (the compiler's post-training rule).
    public let clipping: QuantPlan.Clipping
    /// Whether the first batch has set scale and offset.
    public internal(set) var initialized = false

    /// A quantizer for point `label`; `learnsOffset` false pins the offset to 0.
    public init(label: String, format: QuantFormat, learnsOffset: Bool, clipping: QuantPlan.Clipping = .observedRange) {
        self.label = label
        self.format = format
        self.clipping = clipping
        scale = Variable(shape: [1], value: [1], requiresGradient: true)
        offset = learnsOffset ? Variable(shape: [1], value: [0], requiresGradient: true) : nil
    }

    /// The contract's quantizer at the current parameters (scale kept positive).
    public var quantizer: Quantizer {
        Quantizer(format: format, scale: max(scale.value[0], Self.smallestScale), offset: offset?.value[0] ?? 0)
    }

    /// Sets scale and offset (a checkpoint's, or the first batch's).
    public func set(_ q: Quantizer) {
        scale.value[0] = q.scale
        offset?.value[0] = q.offset
        initialized = true
    }

    /// Sets scale and offset from `samples` by the compiler's post-training rule for this point
    /// (so training starts where post-training quantization ends).
    func initialize(from samples: [Float]) {
        let s = ScaleSearch.subsample(samples)
        set(clipping == .unitGrid ? ScaleSearch.probabilityQuantizer(for: s, format: format)
                                  : ScaleSearch.quantizer(for: s, format: format, zeroOffset: offset == nil,
                                                          clip: clipping == .meanSquaredError))
    }

    /// Smallest step size the forward pass uses (the optimizer can push a step through zero).
    static let smallestScale: Float = 1e-8
}

extension Tape {
    /// `x` fake-quantized by `q` (initialized from `x` on its first call). Backward: the STE for
    /// `x`; LSQ / LSQ+ gradients for scale and offset, scaled by `1/√(numel · Qp)`.
    public func fakeQuantize(_ x: Variable, by q: ActivationQuantizer) -> Variable {
        if !q.initialized { q.initialize(from: x.value) }
        observer?(q, x.value)
        let quantizer = q.quantizer
        let xs = x.value
        let y = Parallel.map(xs.count) { quantizer.fakeQuantize(xs[$0]) }
        let result = output(x.shape, y, from: x, q.scale, q.offset)
        record(result) { dy in
            if x.requiresGradient { x.accumulate(Parallel.map(xs.count) { dy[$0] * quantizer.straightThroughGradient(xs[$0]) }) }
            let g = 1 / (Float(xs.count) * Float(max(quantizer.format.codeMax, 1))).squareRoot()
            if q.scale.requiresGradient {
                q.scale.accumulate([g * Parallel.sum(xs.count) { dy[$0] * quantizer.stepSizeGradient(xs[$0]) }])
            }
            if let offset = q.offset, offset.requiresGradient {
                offset.accumulate([g * Parallel.sum(xs.count) { dy[$0] * quantizer.offsetGradient(xs[$0]) }])
            }
        }
        return result
    }
}
