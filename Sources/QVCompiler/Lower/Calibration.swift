import QVFormat
import QVKernels
import QVRuntime
import QVText

/// Runs the FP32 graph on calibration text and keeps samples of every value a quantized graph
/// will quantize, plus the attention probabilities each layer computes (recomputed from the
/// observed q and k, since they live inside the attention op).
struct Calibration {
    /// Samples kept per point.
    static let samplesPerPoint = 20_000

    /// Samples by calibration point name.
    private(set) var samples: [String: [Float]] = [:]

    /// Observes `texts` on the FP32 model in `fp32File` (a `.qvb` image).
    init(fp32File: [UInt8], config: QVB.BertConfig, texts: [String], progress: (String) -> Void) throws(CompileError) {
        var collected: [String: [Float]] = [:]
        var failure: CompileError?
        fp32File.withUnsafeBytes { raw in
            do {
                let model = try QVModel(file: try QVBFile(bytes: raw))
                // The portable path, whatever this CPU has, so a compiled file is the same on every machine.
                let session = InferenceSession(model: model, path: .portable)
                let tokenizer = try model.tokenizer()
                let names = model.metadata.values.map(\.name)
                let heads = config.heads, hidden = config.hidden
                for (i, text) in texts.enumerated() {
                    var lastQuery: [Float] = []
                    _ = try session.run(ids: tokenizer.encode(text)) { v, snapshot in
                        guard case .floats(let x) = snapshot else { return }
                        let name = names[v]
                        collected[name, default: []].append(contentsOf: Calibration.strided(x, every: 7))
                        if name.hasSuffix(".attention.self.query.out") { lastQuery = Array(x) }
                        if name.hasSuffix(".attention.self.key.out") {
                            let probsName = String(name.dropLast(".key.out".count)) + ".probs"
                            let probs = Calibration.probabilities(query: lastQuery, key: Array(x), heads: heads, hidden: hidden)
                            collected[probsName, default: []] += probs.withUnsafeBufferPointer { Calibration.strided($0, every: 7) }
                        }
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

    /// Softmax(q·kᵀ/√d) of every head, flattened, subsampled.
    static func probabilities(query q: [Float], key k: [Float], heads: Int, hidden: Int) -> [Float] {
        let tokens = q.count / hidden, d = hidden / heads
        let scale = 1 / Float(d).squareRoot()
        var out: [Float] = []
        var row = [Float](repeating: 0, count: tokens)
        for h in 0..<heads {
            for i in 0..<tokens {
                for j in 0..<tokens {
                    var s: Float = 0
                    for r in 0..<d { s += q[i * hidden + h * d + r] * k[j * hidden + h * d + r] }
                    row[j] = s * scale
                }
                softmaxInPlace(&row, count: tokens)
                out += row
            }
        }
        return out
    }
}
