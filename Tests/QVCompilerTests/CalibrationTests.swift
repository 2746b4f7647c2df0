import Foundation
import Testing
@testable import QVCompiler
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// Calibration observes plan points by value index on the calibration graph, and attention
/// probabilities come from the runtime's own FP32 attention (its optional second output).
@Suite struct CalibrationTests {
    /// Every value a session observes on the calibration graph of the tiny model, for `text`.
    static func observe(_ file: [UInt8], _ text: String, path: KernelPath) throws -> (names: [String], values: [Int: [Float]]) {
        try file.withUnsafeBytes { raw in
            let model = try QVModel(file: try QVBFile(bytes: raw))
            var seen: [Int: [Float]] = [:]
            _ = try InferenceSession(model: model, path: path).run(ids: try model.tokenizer().encode(text)) { v, snapshot in
                if case .floats(let x) = snapshot { seen[v] = Array(x) }
            }
            return (model.metadata.values.map(\.name), seen)
        }
    }

    @Test func samplesComeFromTheValueEachRowNames() throws {
        let (plan, file) = try Compiler.quantizationPlan(RandomBert.checkpoint(), precision: .w1a1)
        let text = RandomBert.texts[0]
        let samples = try Calibration(file: file, plan: plan, texts: [text], progress: { _ in }).samples
        let (names, values) = try Self.observe(file, text, path: .portable)
        var checked = 0
        for row in plan.rows {
            let v: Int
            switch row.subject {
            case .activation(let value), .probabilities(let value): v = value
            case .weight: continue
            }
            #expect(names[v] == row.label)
            let x = try #require(values[v], "\(row.label) not observed")
            let expected = x.withUnsafeBufferPointer { Calibration.strided($0, every: 7) }
            #expect(samples[v] == expected, "\(row.label)")
            checked += 1
        }
        #expect(checked == 2 * 8)
        let q = plan.rows.first { $0.label.hasSuffix("layer.0.attention.self.query.out") }!
        let k = plan.rows.first { $0.label.hasSuffix("layer.0.attention.self.key.out") }!
        guard case .activation(let qv) = q.subject, case .activation(let kv) = k.subject else { Issue.record("q, k rows"); return }
        #expect(samples[qv] != samples[kv])
    }

    /// Probabilities [head][query][key] of every layer of the tiny model against softmax(q·kᵀ/√d)
    /// computed here in Double, on every path; on `.portable` bit for bit the sequential
    /// single-precision sum and `softmaxInPlace` that calibration used to recompute.
    @Test(arguments: KernelPath.supported)
    func attentionProbabilitiesOutputIsSoftmaxOfScores(_ path: KernelPath) throws {
        let checkpoint = RandomBert.checkpoint()
        let file = try Compiler.quantizationPlan(checkpoint, precision: .w2a2).calibrationFile
        let (names, values) = try Self.observe(file, RandomBert.texts[3], path: path)
        let hidden = checkpoint.config.hidden, heads = checkpoint.config.heads, d = hidden / heads
        let scale = 1 / Float(d).squareRoot()
        for l in 0..<checkpoint.config.layers {
            func value(_ suffix: String) throws -> [Float] {
                let name = "encoder.layer.\(l).attention.self" + suffix
                return try #require(names.firstIndex(of: name).flatMap { values[$0] }, "\(name)")
            }
            let q = try value(".query.out"), k = try value(".key.out"), probs = try value(".probs")
            let n = q.count / hidden
            #expect(probs.count == heads * n * n)
            var worst = 0.0, identical = true
            var row = [Float](repeating: 0, count: n)
            for h in 0..<heads {
                for i in 0..<n {
                    var exact = [Double](repeating: 0, count: n)
                    for j in 0..<n {
                        var s: Double = 0, f: Float = 0
                        for r in 0..<d {
                            s += Double(q[i * hidden + h * d + r]) * Double(k[j * hidden + h * d + r])
                            f += q[i * hidden + h * d + r] * k[j * hidden + h * d + r]
                        }
                        exact[j] = s * Double(scale)
                        row[j] = f * scale
                    }
                    let top = exact.max()!, sum = exact.reduce(0) { $0 + Foundation.exp($1 - top) }
                    softmaxInPlace(&row, count: n)
                    for j in 0..<n {
                        let got = probs[(h * n + i) * n + j]
                        worst = max(worst, abs(Double(got) - Foundation.exp(exact[j] - top) / sum))
                        identical = identical && got.bitPattern == row[j].bitPattern
                    }
                }
            }
            #expect(worst <= 1e-6, "\(path) layer \(l): largest difference \(worst)")
            if path == .portable { #expect(identical, "layer \(l): portable probabilities differ from the sequential formula") }
        }
    }

    /// The reference interpreter writes the same probabilities output.
    @Test func referenceExecutorWritesTheProbabilities() throws {
        let file = try Compiler.quantizationPlan(RandomBert.checkpoint(), precision: .w1a1).calibrationFile
        try file.withUnsafeBytes { raw in
            let model = try QVModel(file: try QVBFile(bytes: raw))
            let ids = try model.tokenizer().encode(RandomBert.texts[3])
            var fast: [Int: [Float]] = [:], slow: [Int: [Float]] = [:]
            _ = try InferenceSession(model: model, path: .portable).run(ids: ids) { v, s in if case .floats(let x) = s { fast[v] = Array(x) } }
            _ = try ReferenceExecutor(model: model).run(ids: ids) { v, s in if case .floats(let x) = s { slow[v] = Array(x) } }
            let probs = model.metadata.values.indices.filter { model.metadata.values[$0].name.hasSuffix(".probs") }
            #expect(probs.count == 2)
            for v in probs {
                let a = try #require(fast[v]), b = try #require(slow[v])
                #expect(a.count == b.count && a.count == 4 * (ids.count * ids.count))
                #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 })
            }
        }
    }

    /// A probabilities output whose group count is not the head count is refused at load.
    @Test func probabilitiesOutputOfTheWrongShapeIsRefused() throws {
        let file = try Compiler.quantizationPlan(RandomBert.checkpoint(), precision: .w1a1).calibrationFile
        let edited = try file.withUnsafeBytes { raw in
            let qvb = try QVBFile(bytes: raw)
            var payloads = qvb.sections.map { QVB.SectionPayload(name: $0.name, bytes: [UInt8](repeating: 0, count: $0.uncompressedSize)) }
            for (i, t) in qvb.model.tensors.enumerated() {
                payloads[t.section].bytes.replaceSubrange(t.offset ..< t.offset + t.size, with: qvb.tensorBytes(i))
            }
            var model = qvb.model
            let v = model.values.firstIndex { $0.name.hasSuffix(".probs") }!
            model.values[v].shape = [3, -1, -1]
            return try QVBWriter.encode(model, sections: payloads, compression: .none)
        }
        #expect {
            try edited.withUnsafeBytes { raw in _ = try QVModel(file: try QVBFile(bytes: raw)) }
        } throws: { "\($0)".contains("must be FP32 probabilities [4, -1, -1]") }
    }
}
