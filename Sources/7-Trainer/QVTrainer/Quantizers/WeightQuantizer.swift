import QVCompiler
import QVQuant

/// The quantizer of a weight matrix `[rows, columns]` (offset 0, as the kernels read weights):
/// one step size per output channel (row) or one for the whole tensor, either learned (LSQ,
/// initialised by iterative least-squares fitting) or derived from the weights each step —
/// `mean |w|` of the row for binary weights (BiT), `max |w| / 127` for 8-bit embedding rows.
public final class WeightQuantizer {
    /// How step sizes are set.
    public enum Rule: String, Sendable {
        /// LSQ: learned, gradient scale `1/√(numel · Qp)`.
        case learned
        /// `mean |w|` per row (binary weights).
        case meanAbsolute
        /// `max |w| / codeMax` per row (8-bit tables).
        case maxAbsolute
    }

    /// The compiler's plan row label (`….weight`).
    public let label: String
    /// Code format.
    public let format: QuantFormat
    /// How step sizes are set.
    public let rule: Rule
    /// Learned step sizes, `[rows]` per channel or `[1]` per tensor (unused by derived rules).
    public let scales: Variable
    /// Whether each row has its own step size.
    public let perChannel: Bool
    /// Whether learned step sizes have been initialised.
    public internal(set) var initialized = false

    /// A quantizer of a `[rows, columns]` matrix.
    public init(label: String, format: QuantFormat, rule: Rule, rows: Int, perChannel: Bool) {
        self.label = label
        self.format = format
        self.rule = rule
        self.perChannel = perChannel
        scales = Variable(shape: [perChannel ? rows : 1], value: [Float](repeating: 1, count: perChannel ? rows : 1),
                          requiresGradient: rule == .learned)
    }

    /// One contract quantizer per row of `weights` at the current parameters.
    public func rowQuantizers(_ weights: Variable) -> [Quantizer] {
        let (rows, columns) = (weights.shape[0], weights.shape[1])
        switch rule {
        case .learned:
            if !initialized { initialize(weights) }
            return (0..<rows).map { Quantizer(format: format, scale: max(scales.value[perChannel ? $0 : 0], ActivationQuantizer.smallestScale)) }
        case .meanAbsolute, .maxAbsolute:
            return (0..<rows).map { r in
                var acc: Float = 0
                for c in 0..<columns {
                    let a = abs(weights.value[r * columns + c])
                    acc = rule == .meanAbsolute ? acc + a : max(acc, a)
                }
                let s = rule == .meanAbsolute ? acc / Float(columns) : acc / Float(format.codeMax)
                return Quantizer(format: format, scale: max(s, ActivationQuantizer.smallestScale))
            }
        }
    }

    /// LSQ's starting step sizes: iterate `s ← Σ w·c / Σ c²` with `c = code(w; s)` (the least-
    /// squares step for fixed codes) from `2·mean|w|/√Qp`, per row or over the tensor.
    func initialize(_ weights: Variable) {
        let groups = scales.count
        let span = weights.count / groups
        for g in 0..<groups {
            let w = weights.value[(g * span)..<((g + 1) * span)]
            let qp = Float(max(format.codeMax, 1))
            var s = max(2 * w.reduce(0) { $0 + abs($1) } / Float(span) / qp.squareRoot(), ActivationQuantizer.smallestScale)
            for _ in 0..<20 {
                let q = Quantizer(format: format, scale: s)
                var wc: Double = 0, cc: Double = 0
                for v in w { let c = Double(q.code(v)); wc += Double(v) * c; cc += c * c }
                guard cc > 0, wc > 0 else { break }
                let next = Float(wc / cc)
                if abs(next - s) <= 1e-7 * s { s = next; break }
                s = next
            }
            scales.value[g] = s
        }
        initialized = true
    }
}

extension Tape {
    /// `weights` fake-quantized row by row by `q`. Backward: the STE for the weights (clamped
    /// codes pass nothing for learned steps; derived steps pass every weight and add the path
    /// through `mean |w|`); LSQ's step gradient scaled by `1/√(numel · Qp)` for learned steps.
    public func fakeQuantize(weights w: Variable, by q: WeightQuantizer) -> Variable {
        let (rows, columns) = (w.shape[0], w.shape[1])
        let quantizers = q.rowQuantizers(w)
        let wv = w.value
        let y = Parallel.mapRowLanes(wv, rows: rows, columns: columns) { quantizers[$0].fakeQuantize($1) }
        let result = output(w.shape, y, from: w, q.rule == .learned ? q.scales : nil)
        record(result) { dy in
            switch q.rule {
            case .learned:
                // Row by row, 16 lanes at a time: the STE into w's gradient and the row's step
                // gradient sum (a fixed order, whatever the threads).
                let stepSums = Self.learnedRowGradients(wv, dy, rows: rows, columns: columns, quantizers, into: w)
                guard q.scales.requiresGradient else { return }
                let perScale = q.perChannel ? columns : w.count
                let g = 1 / (Float(perScale) * Float(max(q.format.codeMax, 1))).squareRoot()
                q.scales.accumulate(q.perChannel ? stepSums.map { $0 * g } : [g * stepSums.reduce(0, +)])
            case .meanAbsolute:
                // y = α_r·sign(w) with α_r = mean_c |w_rc|: dy passes straight through the sign
                // (STE, as BiT), plus the path through α_r, dα_r = Σ_c dy·sign(w), spread as
                // sign(w) / columns.
                guard w.requiresGradient else { return }
                var dw = dy
                for r in 0..<rows {
                    var dAlpha: Float = 0
                    for c in 0..<columns { dAlpha += dy[r * columns + c] * Float(quantizers[r].code(w.value[r * columns + c])) }
                    for c in 0..<columns {
                        let v = w.value[r * columns + c]
                        dw[r * columns + c] += dAlpha * (v > 0 ? 1 : v < 0 ? -1 : 0) / Float(columns)
                    }
                }
                w.accumulate(dw)
            case .maxAbsolute:
                if w.requiresGradient { w.accumulate(dy) }
            }
        }
        return result
    }

    /// The STE gradient of learned-step weights added into `w`'s gradient (when it takes one),
    /// and each row's sum of LSQ step gradients.
    private static func learnedRowGradients(_ wv: [Float], _ dy: [Float], rows: Int, columns: Int, _ quantizers: [Quantizer],
                                            into w: Variable) -> [Float] {
        var dw = [Float](repeating: 0, count: w.requiresGradient ? wv.count : 0), sums = [Float](repeating: 0, count: rows)
        wv.withUnsafeBufferPointer { xp in
            dy.withUnsafeBufferPointer { dp in
                dw.withUnsafeMutableBufferPointer { d in
                    sums.withUnsafeMutableBufferPointer { s in
                        let input = d.baseAddress.map { SharedPointer(base: $0) }, out = SharedPointer(base: s.baseAddress!)
                        let xb = xp.baseAddress!, db = dp.baseAddress!
                        Parallel.chunks(rows, grain: max(1, 4096 / max(columns, 1))) { range in
                            for r in range {
                                var step = SIMD16<Float>()
                                for at in stride(from: r * columns, to: (r + 1) * columns, by: 16) {
                                    let m = min(16, (r + 1) * columns - at)
                                    let g = quantizers[r].gradients(TrainerLanes.load(xb + at, count: m)), d = TrainerLanes.load(db + at, count: m)
                                    if let input { TrainerLanes.store(d * g.input, to: input.base + at, count: m) }
                                    step += d * g.step
                                }
                                out.base[r] = TrainerLanes.treeSum(step)
                            }
                        }
                    }
                }
            }
        }
        if w.requiresGradient { w.accumulate(dw) }
        return sums
    }
}
