import QVCompiler
import QVFormat

/// The agreement of compiler and runtime, checked on every model a harness gets through the
/// compiler: what `qvc compile` writes, the runtime must load and run. A file the runtime then
/// refuses stops the process (libFuzzer keeps the input as a finding).
enum CompiledModelCheck {
    /// The precision an input is compiled at: a pure function of its bytes, so each is replayable.
    static func precision(for bytes: UnsafeRawBufferPointer) -> Precision {
        let all = Precision.allCases
        return all[bytes.reduce(0) { $0 &+ Int($1) } % all.count]
    }

    /// Calibration text kept short, so a quantized compile costs what a parse does.
    static let calibrationTexts = ["a tiny calibration text", "the second line of it"]

    /// Runs the `.qvb` image `compiled`, which `what` produced, and stops the process if the
    /// runtime refuses it.
    static func requireRuns(_ compiled: [UInt8], _ what: String) -> FuzzOutcome {
        let outcome = compiled.withUnsafeBytes { QVBHarness.run($0) }
        if case .refused(let message) = outcome {
            fatalError("the compiler wrote \(what) that the runtime refuses: \(message)")
        }
        return outcome
    }
}
