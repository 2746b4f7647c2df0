import Foundation
import Glibc
import QVCommandLine
import QVTrainer

/// What `qvc finetune` shows: a progress line (step, loss, accuracy, steps/s, ETA) — on a
/// terminal in place, else one line every 30 s on standard error for logs — a summary per epoch
/// with telemetry, and the final result (readable, or one JSON object with `--json`).
final class FinetuneReporter {
    private let json: Bool, progress: ProgressLine, totalSteps: Int, data: TrainingData, bits: String
    private let started = monotonicMilliseconds()
    private var firstStep: (step: Int, ms: Double)?, lastLog = 0.0
    private var epochs: [JSONValue] = []
    private let isTerminal = isatty(2) != 0

    init(json: Bool, progress: ProgressLine, totalSteps: Int, data: TrainingData, bits: String) {
        (self.json, self.progress, self.totalSteps, self.data, self.bits) = (json, progress, totalSteps, data, bits)
    }

    /// Announces the run.
    func start(_ tuner: FineTuner) throws(CommandLineError) {
        let r = tuner.model.recipe
        log("\(data.summary)\nqvc: \(bits), \(tuner.totalSteps) steps from step \(tuner.state.step), peak learning rate \(tuner.options.learningRate); recipe: per-channel \(r.perChannelWeights), "
            + "split q/k/v \(r.splitQKV), KD logits \(r.distillLogits) hidden \(r.distillHidden) (teacher: \(tuner.teacher == nil ? "none" : "yes")), "
            + "BinReg λ_max \(r.binReg), dropout \(r.dropout)\n")
    }

    /// One step done.
    func step(_ s: StepReport) {
        let now = monotonicMilliseconds()
        if firstStep == nil { firstStep = (s.step, now) }
        let done = s.step - firstStep!.step
        let rate = done > 0 ? Double(done) / max((now - firstStep!.ms) / 1000, 1e-9) : Double.nan
        let eta = Double(s.of - s.step) / rate
        let line = "step \(s.step)/\(s.of) epoch \(s.epoch + 1) loss \(String(format: "%.4f", s.loss)) acc \(String(format: "%.3f", s.accuracy)) "
            + "\(rate.isFinite ? String(format: "%.2f", rate) : "?") steps/s ETA \(Self.duration(eta))"
        if isTerminal { progress.update(line) } else if now - lastLog > 30_000 || s.step == s.of { lastLog = now; log("qvc: \(line)\n") }
    }

    /// One epoch done.
    func epoch(_ e: EpochReport) {
        progress.finish()
        let osc = e.oscillation.map(\.rate), meanOsc = osc.isEmpty ? 0 : osc.reduce(0, +) / Double(osc.count)
        let kurt = e.activations.map(\.kurtosis), outliers = e.activations.map(\.outlierShare)
        var line = "epoch \(e.epoch + 1): train loss \(String(format: "%.4f", e.trainLoss)) acc \(String(format: "%.4f", e.trainAccuracy)), "
            + "validation acc \(String(format: "%.4f", e.validationAccuracy))\(e.improved ? " (best, saved)" : "")"
        if !osc.isEmpty { line += "; oscillation mean \(String(format: "%.5f", meanOsc)) max \(String(format: "%.5f", osc.max()!))" }
        if !kurt.isEmpty { line += "; kurtosis max \(String(format: "%.1f", kurt.max()!)), clamped max \(String(format: "%.4f", outliers.max()!))" }
        log("qvc: \(line)\n")
        epochs.append(.object([
            ("epoch", .int(e.epoch + 1)), ("step", .int(e.step)), ("train_loss", .double(e.trainLoss)), ("train_accuracy", .double(e.trainAccuracy)),
            ("validation_accuracy", .double(e.validationAccuracy)), ("best", .bool(e.improved)),
            ("oscillation", .object(e.oscillation.map { ($0.label, .double($0.rate)) })),
            ("activations", .object(e.activations.map { ($0.label, .object([("kurtosis", .double($0.kurtosis)), ("clamped", .double($0.outlierShare))])) })),
        ]))
    }

    /// The run's result.
    func finish(_ tuner: FineTuner, output: String) {
        let seconds = (monotonicMilliseconds() - started) / 1000
        if json {
            print(JSONValue.object([("output", .string(output)), ("bits", .string(bits)), ("learning_rate", .double(Double(tuner.options.learningRate))),
                                    ("steps", .int(tuner.state.step)),
                                    ("best_validation_accuracy", .double(tuner.state.bestAccuracy)), ("best_step", .int(tuner.state.bestStep)),
                                    ("seconds", .double(seconds)), ("epochs", .array(epochs))]).rendered)
        } else {
            print("wrote \(output): \(bits), best validation accuracy \(String(format: "%.4f", tuner.state.bestAccuracy)) at step "
                  + "\(tuner.state.bestStep), \(tuner.state.step) steps in \(Self.duration(seconds))")
        }
    }

    private func log(_ text: String) { writeStandardError(text) }

    /// `1h02m`, `3m05s`, `12s`.
    static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t % 3600 / 60) : t >= 60 ? String(format: "%dm%02ds", t / 60, t % 60) : "\(t)s"
    }
}
