import QVFormat
import QVKernels
import QVRuntime
import QVText

/// Runs the calibration graph (the FP32 graph whose attention ops also write their
/// probabilities) on calibration text with the runtime, and keeps samples of every value a plan
/// row observes, by value index.
struct Calibration {
    /// Samples kept per point.
    static let samplesPerPoint = 20_000

    /// Samples by FP32 value index.
    private(set) var samples: [Int: [Float]] = [:]

    /// Observes `texts` on the calibration graph encoded in `file` (a `.qvb` image), keeping
    /// the values `plan`'s rows name.
    init(file: [UInt8], plan: QuantPlan, texts: [String], progress: (String) -> Void) throws(CompileError) {
        var observed = Set<Int>()
        for row in plan.rows {
            switch row.subject {
            case .activation(let v), .probabilities(let v): observed.insert(v)
            case .weight: break
            }
        }
        var collected: [Int: [Float]] = [:]
        var failure: CompileError?
        file.withUnsafeBytes { raw in
            do {
                let model = try QVModel(file: try QVBFile(bytes: raw))
                // The portable path, whatever this CPU has, so a compiled file is the same on every machine.
                let session = try InferenceSession(model: model, path: .portable)
                let tokenizer = try model.tokenizer()
                for (i, text) in texts.enumerated() {
                    _ = try session.run(ids: tokenizer.encode(text)) { v, snapshot in
                        guard observed.contains(v), case .floats(let x) = snapshot else { return }
                        collected[v, default: []] += Calibration.strided(x, every: 7)
                    }
                    progress("calibrating \(i + 1)/\(texts.count)")
                }
            } catch let e as QVBError {
                failure = CompileError("calibration: \(e.message)")
            } catch let e as RuntimeError {
                failure = CompileError("calibration: \(e.message)")
            } catch {
                failure = CompileError("calibration: \(error)")
            }
        }
        if let failure { throw failure }
        samples = collected.mapValues { ScaleSearch.subsample($0, limit: Calibration.samplesPerPoint) }
    }

    /// Every `n`-th element of `x`, plus its smallest and largest (rare outlier features set
    /// the 8-bit ranges, so they must survive sampling).
    static func strided(_ x: UnsafeBufferPointer<Float>, every n: Int) -> [Float] {
        guard let lo = x.min(), let hi = x.max() else { return [] }
        return stride(from: 0, to: x.count, by: n).map { x[$0] } + [lo, hi]
    }
}
