/// The record of one forward pass for reverse-mode differentiation: each op that reads a
/// variable needing a gradient appends its backward step; `backward(from:)` runs them in
/// reverse. A tape made with `recording: false` records nothing (evaluation, the teacher).
///
/// Ops are methods on `Tape` (one file per family in `Ops/`); each states its forward, its
/// backward, and is checked against finite differences in `QVTrainerTests`.
public final class Tape {
    /// Whether ops record backward steps.
    public let recording: Bool
    /// Whether ops run in training mode (dropout active).
    public let training: Bool
    private var steps: [() -> Void] = []
    /// Called with each activation quantizer's input (telemetry), when set.
    public var observer: ((ActivationQuantizer, [Float]) -> Void)?

    /// A tape; `recording` false makes every op a plain forward function.
    public init(recording: Bool = true, training: Bool? = nil) {
        self.recording = recording
        self.training = training ?? recording
    }

    /// Whether an op over `inputs` must record: the tape records and some input needs a gradient.
    func needsGradient(_ inputs: Variable?...) -> Bool {
        recording && inputs.contains { $0?.requiresGradient == true }
    }

    /// A new op output of `shape` with `value`, needing a gradient when any of `inputs` does.
    func output(_ shape: [Int], _ value: [Float], from inputs: Variable?...) -> Variable {
        Variable(shape: shape, value: value, requiresGradient: recording && inputs.contains { $0?.requiresGradient == true })
    }

    /// Appends a backward step that runs when `result`'s gradient is known.
    func record(_ result: Variable, _ step: @escaping (_ upstream: [Float]) -> Void) {
        guard result.requiresGradient else { return }
        steps.append {
            guard result.hasGradient else { return }
            step(result.grad)
        }
    }

    /// Runs the backward pass from scalar `loss` (its gradient seeded with 1).
    public func backward(from loss: Variable) {
        precondition(loss.count == 1, "backward needs a scalar loss, got shape \(loss.shape)")
        guard loss.requiresGradient else { return }
        loss.accumulate([1])
        for step in steps.reversed() { step() }
        steps.removeAll()
    }
}
