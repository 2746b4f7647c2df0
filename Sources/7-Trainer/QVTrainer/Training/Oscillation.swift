/// Weight oscillation telemetry (the paper's third variation): per quantized weight matrix, the
/// share of weights whose code flipped and then flipped back within `window` steps, counted
/// since the last `reset`.
public struct OscillationTracker {
    /// Steps within which a reversed flip counts as an oscillation.
    public let window: Int
    private var tracked: [Tracked] = []

    /// One matrix's per-weight history.
    private struct Tracked {
        let label: String
        var codes: [Int8]
        var direction: [Int8]
        var lastFlip: [Int32]
        var oscillated: [Bool]
    }

    /// A tracker with a window of `window` steps.
    public init(window: Int = 50) { self.window = window }

    /// Records the codes of every quantized weight after step `step`.
    public mutating func observe(_ layers: [(label: String, codes: [Int8])], step: Int) {
        if tracked.isEmpty {
            tracked = layers.map { Tracked(label: $0.label, codes: $0.codes, direction: [Int8](repeating: 0, count: $0.codes.count),
                                           lastFlip: [Int32](repeating: Int32.min / 2, count: $0.codes.count),
                                           oscillated: [Bool](repeating: false, count: $0.codes.count)) }
            return
        }
        for (n, layer) in layers.enumerated() {
            var t = tracked[n]
            for i in 0..<layer.codes.count where layer.codes[i] != t.codes[i] {
                let d: Int8 = layer.codes[i] > t.codes[i] ? 1 : -1
                if d == -t.direction[i] && Int32(step) - t.lastFlip[i] <= Int32(window) { t.oscillated[i] = true }
                t.direction[i] = d
                t.lastFlip[i] = Int32(step)
                t.codes[i] = layer.codes[i]
            }
            tracked[n] = t
        }
    }

    /// Share of each matrix's weights that oscillated since the last reset.
    public var rates: [(label: String, rate: Double)] {
        tracked.map { t in (t.label, Double(t.oscillated.lazy.filter { $0 }.count) / Double(max(t.oscillated.count, 1))) }
    }

    /// Starts a new counting period (each epoch).
    public mutating func reset() {
        for n in tracked.indices { tracked[n].oscillated = [Bool](repeating: false, count: tracked[n].oscillated.count) }
    }
}

/// Activation statistics of one quantization point: kurtosis (outliers make it large; 3 for a
/// Gaussian) and the share of values clamped by the quantizer's code range.
public struct ActivationStatistics: Sendable {
    /// The point.
    public let label: String
    /// Fourth standardized moment.
    public let kurtosis: Double
    /// Share of values outside the code range.
    public let outlierShare: Double

    /// Statistics of `x` under `q`.
    init(_ q: ActivationQuantizer, _ x: [Float]) {
        label = q.label
        let n = Double(max(x.count, 1))
        let mean = x.reduce(0.0) { $0 + Double($1) } / n
        var m2 = 0.0, m4 = 0.0
        for v in x { let d = Double(v) - mean; m2 += d * d; m4 += d * d * d * d }
        m2 /= n; m4 /= n
        kurtosis = m2 > 0 ? m4 / (m2 * m2) : 0
        let quantizer = q.quantizer
        outlierShare = Double(x.lazy.filter { !quantizer.passesGradient($0) }.count) / n
    }
}
