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
        let xs = x.value, n = xs.count
        let y = xs.withUnsafeBufferPointer { p in Parallel.mapLanes(p.baseAddress!, p.baseAddress!, count: n) { v, _ in quantizer.fakeQuantize(v) } }
        let result = output(x.shape, y, from: x, q.scale, q.offset)
        record(result) { dy in
            // One pass, 16 lanes at a time: the STE into x's gradient, and per-chunk lane sums
            // of the step and offset gradients, reduced in chunk order (the same bits for the
            // same thread count).
            let blocks = (n + 15) / 16, parts = Parallel.sumParts(n)
            var partial = [SIMD16<Float>](repeating: SIMD16(), count: 2 * parts), dx = [Float](repeating: 0, count: x.requiresGradient ? n : 0)
            xs.withUnsafeBufferPointer { xp in
                dy.withUnsafeBufferPointer { dp in
                    partial.withUnsafeMutableBufferPointer { p in
                        dx.withUnsafeMutableBufferPointer { d in
                            let out = SharedPointer(base: p.baseAddress!), input = d.baseAddress.map { SharedPointer(base: $0) }
                            let xb = xp.baseAddress!, db = dp.baseAddress!
                            Parallel.chunks(parts) { r in
                                for part in r {
                                    var step = SIMD16<Float>(), offset = SIMD16<Float>()
                                    for block in (blocks * part / parts)..<(blocks * (part + 1) / parts) {
                                        let at = block * 16, m = min(16, n - at)
                                        let v = TrainerLanes.load(xb + at, count: m), d = TrainerLanes.load(db + at, count: m)
                                        let g = quantizer.gradients(v)
                                        if let input { TrainerLanes.store(d * g.input, to: input.base + at, count: m) }
                                        step += d * g.step
                                        offset += d * g.offset
                                    }
                                    (out.base[2 * part], out.base[2 * part + 1]) = (step, offset)
                                }
                            }
                        }
                    }
                }
            }
            if x.requiresGradient { x.accumulate(dx) }
            let g = 1 / (Float(n) * Float(max(quantizer.format.codeMax, 1))).squareRoot()
            var sums: (step: Float, offset: Float) = (0, 0)
            for part in 0..<parts {
                sums = (sums.step + TrainerLanes.treeSum(partial[2 * part]), sums.offset + TrainerLanes.treeSum(partial[2 * part + 1]))
            }
            if q.scale.requiresGradient { q.scale.accumulate([g * sums.step]) }
            if let offset = q.offset, offset.requiresGradient { offset.accumulate([g * sums.offset]) }
        }
        return result
    }
}
