import Glibc

/// AdamW (decoupled weight decay) over named parameters; decay only where the parameter says
/// (weight matrices and tables, not biases, LayerNorms or quantizer parameters).
public struct AdamW {
    /// Hyper-parameters.
    public var beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01
    /// First and second moments, one pair per parameter, in the parameters' order.
    public internal(set) var moments: [(m: [Float], v: [Float])]
    /// Steps taken.
    public internal(set) var step = 0

    /// An optimizer with zero moments for `parameters`.
    public init(_ parameters: [NamedParameter]) {
        moments = parameters.map { ([Float](repeating: 0, count: $0.variable.count), [Float](repeating: 0, count: $0.variable.count)) }
    }

    /// One update at learning rate `lr` from the accumulated gradients (missing ones count as
    /// zero), which it then drops.
    public mutating func update(_ parameters: [NamedParameter], lr: Float, gradientScale: Float = 1) {
        step += 1
        let c1 = 1 - Float(Double(beta1).pow(step)), c2 = 1 - Float(Double(beta2).pow(step))
        for (n, p) in parameters.enumerated() {
            let x = p.variable
            guard x.hasGradient else { continue }
            let decay = p.decays ? 1 - lr * weightDecay : 1
            let (b1, b2, eps) = (beta1, beta2, epsilon)
            var (first, second) = moments[n]
            moments[n] = ([], [])
            x.grad.withUnsafeBufferPointer { g in
                first.withUnsafeMutableBufferPointer { m in
                    second.withUnsafeMutableBufferPointer { v in
                        x.value.withUnsafeMutableBufferPointer { w in
                            let (pm, pv, pw) = (SharedPointer(base: m.baseAddress!), SharedPointer(base: v.baseAddress!), SharedPointer(base: w.baseAddress!))
                            Parallel.forEach(w.count, grain: 1 << 14) { i in
                                let gi = g[i] * gradientScale
                                pm.base[i] = b1 * pm.base[i] + (1 - b1) * gi
                                pv.base[i] = b2 * pv.base[i] + (1 - b2) * gi * gi
                                pw.base[i] = pw.base[i] * decay - lr * (pm.base[i] / c1) / ((pv.base[i] / c2).squareRoot() + eps)
                            }
                        }
                    }
                }
            }
            moments[n] = (first, second)
            x.zeroGradient()
        }
    }

    /// The factor that brings the global gradient norm down to `maxNorm` (1 when below it).
    public static func clippingScale(_ parameters: [NamedParameter], maxNorm: Float) -> Float {
        var total: Double = 0
        for p in parameters where p.variable.hasGradient {
            let g = p.variable.grad
            total += Double(Parallel.sum(g.count) { g[$0] * g[$0] })
        }
        let norm = Float(total.squareRoot())
        return norm > maxNorm && norm.isFinite ? maxNorm / norm : 1
    }
}

extension Double {
    /// `self` to an integer power.
    func pow(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= self }
        return r
    }
}

/// Learning rate at a step: linear warm-up over the first `warmup` share of steps, then a cosine
/// down to 0.
public struct CosineSchedule: Sendable {
    /// Peak rate.
    public let peak: Float
    /// Total steps.
    public let steps: Int
    /// Warm-up steps.
    public let warmupSteps: Int

    /// A schedule of `steps` with `warmup` (a fraction) of them warming up.
    public init(peak: Float, steps: Int, warmup: Float = 0.1) {
        self.peak = peak
        self.steps = max(steps, 1)
        warmupSteps = Int(Float(steps) * warmup)
    }

    /// The rate of step `s` (0-based).
    public func rate(at s: Int) -> Float {
        if s < warmupSteps { return peak * Float(s + 1) / Float(warmupSteps) }
        let progress = Double(s - warmupSteps) / Double(max(steps - warmupSteps, 1))
        return peak * Float(0.5 * (1 + cos(Double.pi * min(progress, 1))))
    }
}
