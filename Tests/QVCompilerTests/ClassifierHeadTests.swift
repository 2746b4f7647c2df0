import Testing
@testable import QVCompiler
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// A BERT with a classification head (in memory): its pooling, pooler and classifier lowered at
/// every precision, the head at 8 bits whatever the encoder's bits, logits out, and the fast path
/// on every kernel path equal to the reference interpreter.
@Suite(.serialized) struct ClassifierHeadTests {
    static let classes = 3

    /// The compiled `.qvb` image of the random classifier.
    static func image(_ precision: Precision, pooler: Bool) throws -> [UInt8] {
        let checkpoint = RandomBert.checkpoint(classes: classes, pooler: pooler)
        return try Compiler.compile(checkpoint, options: CompileOptions(precision: precision, calibrationTexts: RandomBert.texts))
    }

    @Test(arguments: Precision.allCases, [true, false])
    func fastPathEqualsReferenceWithLogitsOut(_ precision: Precision, pooler: Bool) throws {
        try CompiledMiniLM.withModel(try Self.image(precision, pooler: pooler)) { model in
            let port = try #require(model.metadata.outputs.first)
            #expect(model.metadata.outputs.count == 1 && port.name == "logits" && port.role == .logits)
            #expect(model.metadata.values[port.value].shape == [1, Self.classes] && model.metadata.values[port.value].type == .f32)
            #expect(model.labels == ["negative", "neutral", "positive"])
            let tokenizer = try model.tokenizer()
            for path in KernelPath.supported {
                for text in RandomBert.texts {
                    let codes = try expectFastPathEqualsReference(model, path: path, ids: tokenizer.encode(text),
                                                                  tolerance: precision == .fp32 ? 1e-3 : 1e-5)
                    #expect((codes > 0) == (precision != .fp32))
                }
            }
            let output = try InferenceSession(model: model).run(text: RandomBert.texts[0], tokenizer: tokenizer)
            #expect(output.embedding == nil && output.logits?.count == Self.classes)
            #expect(abs((output.probabilities ?? []).reduce(0, +) - 1) < 1e-5)
        }
    }

    /// The head's ops: CLS pooling and a tanh pooler with one, the checkpoint's mean pooling without.
    @Test(arguments: [true, false])
    func poolingFollowsThePooler(pooler: Bool) throws {
        try CompiledMiniLM.withModel(try Self.image(.fp32, pooler: pooler)) { model in
            let ops = model.metadata.ops
            #expect(ops.contains { $0.attributes == (pooler ? .clsPool : .meanPool) })
            #expect(!ops.contains { $0.attributes == .l2Normalize(epsilon: 1e-12) })
            let dense = ops.first { $0.name == "pooler.dense" }
            #expect(pooler ? dense?.attributes == .linear(activation: .tanh) : dense == nil)
            #expect(ops.last?.name == "classifier" && ops.last?.attributes == .linear(activation: .none))
            // The file records what the graph does.
            let config = try #require(model.metadata.bert)
            #expect(config.pooling == (pooler ? "cls" : "mean") && !config.normalize)
        }
    }

    /// Quantized precisions end their plan with the head's rows, 8-bit whatever the encoder's
    /// bits: u8 inputs with an offset per tensor, s8 weights per channel.
    @Test(arguments: [Precision.w8a8, .w2a2, .w1a1])
    func headRowsAreEightBit(_ precision: Precision) throws {
        let embedder = try Compiler.quantizationPlan(RandomBert.checkpoint(), precision: precision).plan
        let (plan, file) = try Compiler.quantizationPlan(RandomBert.checkpoint(classes: Self.classes), precision: precision)
        #expect(Array(plan.rows.prefix(embedder.rows.count)) == embedder.rows)
        let head = Array(plan.rows.dropFirst(embedder.rows.count))
        #expect(head.map(\.label) == ["pooled", "pooler.dense.weight", "pooler.output", "classifier.weight"])
        try file.withUnsafeBytes { raw in
            let values = try QVBFile(bytes: raw).model.values
            for row in head {
                switch row.subject {
                case .activation(let v):
                    #expect(values[v].name == row.label)
                    #expect(row.format == .unsigned8 && row.granularity == .perTensor && row.offset == .allowed, "\(row.label)")
                case .weight(let rows, let columns):
                    #expect(columns == 32 && rows == (row.label == "classifier.weight" ? Self.classes : 32))
                    #expect(row.format == .signed8 && row.granularity == .perChannel && row.offset == .zero, "\(row.label)")
                case .probabilities: Issue.record("\(row.label) in the head")
                }
            }
        }
        try CompiledMiniLM.withModel(try Self.image(precision, pooler: true)) { model in
            let tensors = model.metadata.tensors
            for name in ["pooler.dense.weight", "classifier.weight"] {
                #expect(tensors.first { $0.name == name }?.type == .i8, "\(name)")
            }
            for name in ["pooled.q", "pooler.output.q"] {
                #expect(model.metadata.values.first { $0.name == name }?.type == .u8, "\(name)")
            }
        }
    }

    /// fp32 keeps the head FP32: no plan rows, FP32 weights.
    @Test func fp32HeadStaysFloat() throws {
        #expect(try Compiler.quantizationPlan(RandomBert.checkpoint(classes: Self.classes), precision: .fp32).plan.rows.isEmpty)
        try CompiledMiniLM.withModel(try Self.image(.fp32, pooler: true)) { model in
            #expect(model.metadata.tensors.first { $0.name == "classifier.weight" }?.type == .f32)
            #expect(!model.metadata.ops.contains { $0.attributes == .quantize })
        }
    }

    /// At w8a8 the logits stay close to FP32's (the head's quantization is sound).
    @Test func eightBitLogitsTrackFloat() throws {
        let float = try Self.image(.fp32, pooler: true), eight = try Self.image(.w8a8, pooler: true)
        for text in RandomBert.texts {
            let a = try CompiledMiniLM.withModel(float) { try InferenceSession(model: $0).run(text: text, tokenizer: try $0.tokenizer()) }
            let b = try CompiledMiniLM.withModel(eight) { try InferenceSession(model: $0).run(text: text, tokenizer: try $0.tokenizer()) }
            let x = try #require(a.logits), y = try #require(b.logits)
            let spread = x.map(abs).max() ?? 0
            #expect(zip(x, y).allSatisfy { abs($0 - $1) <= 0.05 * max(spread, 1) }, "\(text): \(x) vs \(y)")
        }
    }

    /// A head that does not fit the encoder is refused by the lowering, naming what is wrong.
    @Test func misfitHeadIsRefused() throws {
        var checkpoint = RandomBert.checkpoint(classes: Self.classes)
        checkpoint.head?.labels.removeLast()
        #expect(message { _ = try Compiler.compile(checkpoint, options: CompileOptions(precision: .fp32)) }
                == "tiny-random: the head has 2 labels for 3 classes; give one per class")
        checkpoint = RandomBert.checkpoint(classes: Self.classes)
        checkpoint.head?.pooler?.inFeatures = 16
        #expect(message { _ = try Compiler.compile(checkpoint, options: CompileOptions(precision: .fp32)) }
                == "tiny-random: the pooler must be 32 × 32 weights and 32 biases")
    }
}
