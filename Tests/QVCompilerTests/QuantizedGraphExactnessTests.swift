import Testing
import QVCompiler
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// The fast runtime against the plain scalar reference interpreter of the *same* quantized
/// graph: every code value identical (so every integer accumulator behind it is identical),
/// every FP32 value and the final embedding within 1e-5 relative.
@Suite(.serialized) struct QuantizedGraphExactnessTests {
    static let texts = [
        "A man is playing a guitar on a small stage.",
        "I just don't trust my life in google's hands #driverless cars",
        "Quantum computers use qubits; can they break RSA-2048 by 2030??? 🤔 https://example.com/q?x=1",
        "ok",
    ]

    @Test(arguments: [Precision.w1a1, .w2a2, .w8a8], KernelPath.supported.filter { $0 != .scalar })
    func fastPathEqualsScalarReference(_ precision: Precision, _ path: KernelPath) throws {
        try CompiledMiniLM.withModel(try CompiledMiniLM.image(precision)) { model in
            for text in Self.texts {
                let codes = try expectFastPathEqualsReference(model, path: path, ids: try model.tokenizer().encode(text))
                #expect(codes > 0)
            }
        }
    }

    /// The same on a small random BERT compiled in the test (no wheel): with its q, k, fc1 and
    /// attention context written through folded thresholds at 1 and 2 bits, every fused variant
    /// of linear and attention is checked against the reference.
    @Test(arguments: [Precision.w1a1, .w2a2, .w8a8])
    func randomBertFastPathEqualsScalarReference(_ precision: Precision) throws {
        let options = CompileOptions(precision: precision, calibrationTexts: RandomBert.texts)
        let image = try Compiler.compile(RandomBert.checkpoint(), options: options)
        try CompiledMiniLM.withModel(image) { model in
            let fused = model.metadata.ops.filter { op in op.weights.contains { model.metadata.tensors[$0].name.hasSuffix(".thresholds") } }
            #expect(fused.count == (precision == .w8a8 ? 0 : 4 * 2), "\(fused.map(\.name))")
            for path in KernelPath.supported.filter({ $0 != .scalar }) {
                for text in RandomBert.texts {
                    let codes = try expectFastPathEqualsReference(model, path: path, ids: try model.tokenizer().encode(text))
                    #expect(codes > 0)
                }
            }
        }
    }
}

/// Runs `ids` on `model` with the kernels of `path` and with the reference, comparing every value
/// and the model's embedding or logits (codes identical, floats within `tolerance` relative);
/// returns how many codes values were compared. An all-FP32 graph needs a wider tolerance: its
/// sums, fused or not, drift apart from layer to layer, where codes start each layer afresh.
@discardableResult
func expectFastPathEqualsReference(_ model: QVModel, path: KernelPath, ids: [Int32], tolerance: Double = 1e-5,
                                   sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
    let session = try InferenceSession(model: model, path: path)
    let reference = ReferenceExecutor(model: model)
    var fast: [Int: Snapshot] = [:], slow: [Int: Snapshot] = [:]
    let a = try session.run(ids: ids) { fast[$0] = Snapshot($1) }
    let b = try reference.run(ids: ids) { slow[$0] = Snapshot($1) }
    #expect(fast.keys.sorted() == slow.keys.sorted(), sourceLocation: sourceLocation)
    var codeValues = 0
    for (v, f) in fast {
        let name = model.metadata.values[v].name
        switch (f, slow[v]) {
        case (.codes(let x), .codes(let y)?):
            codeValues += 1
            #expect(x == y, "\(path): codes of '\(name)' differ at \(x.indices.first { x[$0] != y[$0] } ?? -1)",
                    sourceLocation: sourceLocation)
        case (.floats(let x), .floats(let y)?):
            #expect(x.count == y.count, sourceLocation: sourceLocation)
            let worst = zip(x, y).map { Double(abs($0 - $1)) / max(Double(abs($1)), 1e-3) }.max() ?? 0
            #expect(worst <= tolerance, "\(path): '\(name)' differs by \(worst) relative", sourceLocation: sourceLocation)
        default:
            Issue.record("value '\(name)' has different kinds", sourceLocation: sourceLocation)
        }
    }
    let ea = try #require(a.embedding ?? a.logits, sourceLocation: sourceLocation)
    let eb = try #require(b.embedding ?? b.logits, sourceLocation: sourceLocation)
    #expect(ea.count == eb.count, sourceLocation: sourceLocation)
    for i in ea.indices { #expect(Double(abs(ea[i] - eb[i])) <= tolerance * Double(max(abs(eb[i]), 1e-3)), sourceLocation: sourceLocation) }
    return codeValues
}

/// A copy of an observed value.
enum Snapshot {
    case floats([Float])
    case codes([Int32])

    init(_ s: ValueSnapshot) {
        switch s {
        case .floats(let f): self = .floats(Array(f))
        case .int32s(let i): self = .codes(Array(i))
        case .codes(let c): self = .codes(c)
        }
    }
}

/// Packed linear weights take exactly 1/32 (binary) and 1/16 (2-bit) of their FP32 bytes.
@Test(arguments: [(Precision.w1a1, 32), (.w2a2, 16), (.w8a8, 4)])
func packedLinearWeightsTakeTheirShareOfFP32(_ precision: Precision, _ ratio: Int) throws {
    let image = try CompiledMiniLM.image(precision)
    try CompiledMiniLM.withModel(image) { model in
        var packed = 0, fp32 = 0
        for op in model.metadata.ops {
            guard case .linear = op.attributes, let w = op.weights.first else { continue }
            let t = model.metadata.tensors[w]
            packed += t.size
            fp32 += t.shape.reduce(1, *) * 4
        }
        #expect(fp32 > 0)
        #expect(packed * ratio == fp32, "linear weights: \(packed) bytes vs \(fp32) FP32 bytes")
    }
}

/// At 1 and 2 bits, q, k and fc1 (GELU) write their codes straight from the GEMM through folded
/// thresholds, and so does the attention context: 3 linear layers and 1 attention op per layer
/// carry a thresholds tensor, and no Quantize op follows them.
@Test(arguments: [Precision.w1a1, .w2a2])
func lowBitLayersWriteCodesThroughThresholds(_ precision: Precision) throws {
    try CompiledMiniLM.withModel(try CompiledMiniLM.image(precision)) { model in
        let ops = model.metadata.ops, tensors = model.metadata.tensors
        let fused = ops.filter { op in op.weights.contains { tensors[$0].name.hasSuffix(".thresholds") } }
        let layers = ops.filter { if case .attention = $0.attributes { return true } else { return false } }.count
        #expect(layers == 6)
        #expect(fused.count == 4 * layers, "\(fused.map(\.name))")
        #expect(fused.filter { $0.name.hasSuffix("intermediate.dense") }.count == layers)
        #expect(ops.filter { if case .quantize = $0.attributes { return true } else { return false } }.count == 3 * layers)
    }
}
