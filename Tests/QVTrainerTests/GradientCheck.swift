import Testing
@testable import QVTrainer

/// Finite-difference checks of an op's backward pass: the loss is `Σ w_i · y_i` for fixed
/// random weights `w` (so every output's gradient matters), differentiated by the tape and by
/// central differences in Double-accumulated FP32. `training` tapes run dropout (the op under
/// test must draw the same mask on every call).
struct GradientCheck {
    /// Seeded values in [-scale, scale).
    static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in (Float(rng.nextUnit()) * 2 - 1) * scale }
    }

    /// Checks d(Σ w·f(inputs))/d input against central differences for every input that needs
    /// a gradient; `step` is the difference step, `tolerance` relative to the input's largest gradient.
    static func check(_ inputs: [Variable], step: Float = 1e-2, tolerance: Float = 1e-2, seed: UInt64 = 7, training: Bool = false,
                      sourceLocation: SourceLocation = #_sourceLocation, _ f: (Tape, [Variable]) -> Variable) {
        let probe = f(Tape(recording: false, training: training), inputs)
        let weights = random(probe.count, seed: seed)
        func loss(_ tape: Tape) -> Variable {
            let y = f(tape, inputs)
            return tape.weightedSum(y, weights: weights)
        }
        let tape = Tape(recording: true, training: training)
        for x in inputs { x.zeroGradient() }
        tape.backward(from: loss(tape))
        for (n, x) in inputs.enumerated() where x.requiresGradient {
            let analytic = x.hasGradient ? x.grad : [Float](repeating: 0, count: x.count)
            var numeric = [Float](repeating: 0, count: x.count)
            for i in 0..<x.count {
                let saved = x.value[i]
                x.value[i] = saved + step
                let up = Double(loss(Tape(recording: false, training: training)).value[0])
                x.value[i] = saved - step
                let down = Double(loss(Tape(recording: false, training: training)).value[0])
                x.value[i] = saved
                numeric[i] = Float((up - down) / Double(2 * step))
            }
            // Errors relative to the largest gradient of the input (small entries don't hide).
            let scale = max(numeric.map(abs).max() ?? 0, 1e-3)
            var worst: Float = 0, at = 0
            for i in 0..<x.count where abs(numeric[i] - analytic[i]) / scale > worst {
                worst = abs(numeric[i] - analytic[i]) / scale
                at = i
            }
            #expect(worst <= tolerance, "input \(n) \(x.shape): gradient off by \(worst) at \(at)", sourceLocation: sourceLocation)
        }
    }
}
