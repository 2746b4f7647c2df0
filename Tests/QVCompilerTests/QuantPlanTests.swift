import Testing
@testable import QVCompiler
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// The quantization plan a precision preset builds for MiniLM-L6: one row per point, in
/// declaration order, each naming the FP32 value of the calibration graph it observes.
@Suite(.serialized) struct QuantPlanTests {
    /// Layer 0's rows as (label, format, granularity, offset, clipping) at w1a1.
    @Test func miniLMLayerRowsAtW1A1() throws {
        let checkpoint = try BertCheckpoint(huggingFaceFolder: try Fixtures.requireMiniLM())
        let plan = try Compiler.quantizationPlan(checkpoint, precision: .w1a1).plan
        let p = "encoder.layer.0."
        let expected: [(String, QuantFormat, QuantPlan.Granularity, QuantPlan.Offset, QuantPlan.Clipping)] = [
            (p + "input", .binary, .perTensor, .allowed, .observedRange),
            (p + "attention.self.query.weight", .binary, .perChannel, .zero, .weightRows),
            (p + "attention.self.query.out", .binary, .perTensor, .zero, .observedRange),
            (p + "attention.self.key.weight", .binary, .perChannel, .zero, .weightRows),
            (p + "attention.self.key.out", .binary, .perTensor, .zero, .observedRange),
            (p + "attention.self.value.weight", .binary, .perChannel, .zero, .weightRows),
            (p + "attention.self.value.out", .binary, .perTensor, .zero, .observedRange),
            (p + "attention.self.probs", .unsigned1, .perTensor, .zero, .unitGrid),
            (p + "attention.context", .binary, .perTensor, .allowed, .observedRange),
            (p + "attention.output.dense.weight", .binary, .perChannel, .zero, .weightRows),
            (p + "attention.output.normed", .binary, .perTensor, .allowed, .observedRange),
            (p + "intermediate.dense.weight", .binary, .perChannel, .zero, .weightRows),
            (p + "intermediate.gelu", .binary, .perTensor, .allowed, .meanSquaredError),
            (p + "output.dense.weight", .binary, .perChannel, .zero, .weightRows),
        ]
        let layer0 = Array(plan.rows[3..<17])
        #expect(layer0.map(\.label) == expected.map(\.0))
        for (row, e) in zip(layer0, expected) {
            #expect(row.format == e.1 && row.granularity == e.2 && row.offset == e.3 && row.clipping == e.4, "\(row.label)")
        }
    }

    /// Every precision: 3 embedding rows (8-bit per row) then 14 per layer; formats from the preset;
    /// each activation row names the calibration value of its label, probabilities a [heads, -1, -1] value.
    @Test(arguments: Precision.allCases)
    func miniLMRowsFollowThePreset(_ precision: Precision) throws {
        let checkpoint = try BertCheckpoint(huggingFaceFolder: try Fixtures.requireMiniLM())
        let (plan, file) = try Compiler.quantizationPlan(checkpoint, precision: precision)
        let preset = precision.preset
        guard precision != .fp32 else { #expect(plan.rows.isEmpty); return }
        #expect(plan.rows.count == 3 + 14 * 6)
        try file.withUnsafeBytes { raw in
            let values = try QVBFile(bytes: raw).model.values
            for (i, row) in plan.rows.enumerated() {
                let label = row.label
                switch row.subject {
                case .weight(let rows, let columns):
                    #expect(row.granularity == .perChannel && row.offset == .zero)
                    #expect(row.format == (label.hasPrefix("embeddings.") ? .signed8 : preset.weights), "\(label)")
                    #expect(rows > 0 && columns > 0)
                case .probabilities(let v):
                    #expect(values[v].name == label && values[v].shape == [12, -1, -1], "row \(i)")
                    #expect(row.format == preset.probabilities && row.offset == .zero)
                case .activation(let v):
                    #expect(values[v].name == label && values[v].type == .f32, "row \(i): value \(v) is '\(values[v].name)'")
                    let operand = [".query.out", ".key.out", ".value.out"].contains { label.hasSuffix($0) }
                    #expect(row.format == (operand ? preset.attentionOperands : preset.activations), "\(label)")
                    #expect(row.offset == (operand ? .zero : .allowed), "\(label)")
                    #expect(row.clipping == (label.hasSuffix(".gelu") ? .meanSquaredError : .observedRange), "\(label)")
                }
            }
        }
        #expect(plan.rows.filter { $0.granularity == .perChannel }.count == 3 + 6 * 6)
        #expect(plan.rows.filter { if case .probabilities = $0.subject { return true } else { return false } }.count == 6)
    }
}

/// Made-up trained quantizers for every row of `plan`, each distinct.
func madeUpTrainedScales(for plan: QuantPlan) -> TrainedScales {
    var quantizers: [Int: Quantizer] = [:], channels: [Int: [Float]] = [:]
    for (i, row) in plan.rows.enumerated() {
        switch row.subject {
        case .weight(let rows, _): channels[i] = (0..<rows).map { 0.01 + 0.0005 * Float(($0 * 7 + i) % 13) }
        case .activation, .probabilities:
            let offset: Float = row.offset == .zero ? 0 : (row.format.scheme == .unsignedOffset ? -0.5 : 0.02)
            quantizers[i] = Quantizer(format: row.format, scale: 0.03 + 0.002 * Float(i % 17), offset: offset)
        }
    }
    return TrainedScales(quantizers: quantizers, channelScales: channels)
}

/// A plan filled from a dictionary of trained quantizers: the compiled graph carries exactly
/// those quantizers in its quantization tables, for every row — an embedder's, and a
/// classifier's with its head rows.
@Test(arguments: [Precision.w1a1, .w2a2, .w8a8], [0, 3])
func trainedScalesReachTheCompiledGraph(_ precision: Precision, classes: Int) throws {
    let checkpoint = RandomBert.checkpoint(classes: classes)
    let plan = try Compiler.quantizationPlan(checkpoint, precision: precision).plan
    let source = madeUpTrainedScales(for: plan)
    let quantizers = source.quantizers, channels = source.channelScales
    let image = try Compiler.compile(checkpoint, options: CompileOptions(precision: precision), plan: plan,
                                     source: source)
    try image.withUnsafeBytes { raw in
        let file = try QVBFile(bytes: raw), model = file.model
        for (i, row) in plan.rows.enumerated() {
            switch row.subject {
            case .weight(let rows, _):
                let t = try #require(model.tensors.first { $0.name == row.label }, "\(row.label)")
                #expect(t.quant == QVB.Quantization(row.format, axis: 0, scales: channels[i]!), "\(row.label)")
                #expect(t.shape[0] == rows)
            case .probabilities:
                let name = String(row.label.dropLast(".probs".count))
                let op = try #require(model.ops.first { $0.name == name })
                guard case .attention(_, _, let probs, _) = op.attributes else { Issue.record("\(name) is no attention"); continue }
                #expect(probs == QVB.Quantization(quantizers[i]!), "\(row.label)")
            case .activation:
                let codes = model.values.filter { $0.name == row.label + ".q" }
                #expect(codes.count == 1, "\(row.label)")
                #expect(codes.first?.quant == QVB.Quantization(quantizers[i]!), "\(row.label)")
            }
        }
        let session = try InferenceSession(model: try QVModel(file: file), path: .portable)
        let output = try session.run(text: RandomBert.texts[0], tokenizer: try session.model.tokenizer())
        #expect((classes > 0 ? output.logits?.count : output.embedding?.count) == (classes > 0 ? classes : checkpoint.config.hidden))
    }
}

/// A trained source missing a row is refused with the row named.
@Test func trainedScalesMissingARowAreRefused() throws {
    let checkpoint = RandomBert.checkpoint()
    let plan = try Compiler.quantizationPlan(checkpoint, precision: .w2a2).plan
    #expect {
        _ = try Compiler.compile(checkpoint, options: CompileOptions(precision: .w2a2), plan: plan,
                                 source: TrainedScales(quantizers: [:], channelScales: [:]))
    } throws: { "\($0)".contains("plan row 0 ('embeddings.word_embeddings.weight')") }
}

/// The quantized pass must declare exactly the calibration plan's points: a plan of another
/// preset, or one with a point the topology never declares, is refused.
@Test func aPlanThatDoesNotFitTheLoweringIsRefused() throws {
    let checkpoint = RandomBert.checkpoint()
    let w1 = try Compiler.quantizationPlan(checkpoint, precision: .w1a1).plan
    #expect {
        _ = try Compiler.compile(checkpoint, options: CompileOptions(precision: .w2a2), plan: w1, source: madeUpTrainedScales(for: w1))
    } throws: { "\($0)".contains("unlike the calibration plan") }
    var longer = w1
    _ = longer.append(w1.rows[5])
    #expect {
        _ = try Compiler.compile(checkpoint, options: CompileOptions(precision: .w1a1), plan: longer, source: madeUpTrainedScales(for: longer))
    } throws: { "\($0)".contains("declared \(w1.rows.count) of the calibration plan's \(w1.rows.count + 1) points") }
}
