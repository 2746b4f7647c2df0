import Testing
@testable import QVCompiler
import QVFormat
import QVKernels
import QVRuntime

/// The lowering kit is not BERT's: a window-attention block over fixed rows (an image model's
/// 10 tokens in windows of 5, no mask, no tokenizer) lowers through the same kit — shapes follow
/// the input, v's codes are transposed per window — with trained scales, and the compiled graph
/// runs on every path exactly as the scalar reference runs it.
@Suite struct WindowLoweringTests {
    static let rows = 10, window = 5, features = 32, heads = 2

    /// q, k, v projections, attention within windows, output projection with the residual.
    static func lower(_ kit: QuantizedGraphBuilder, seed: UInt64 = 5) throws(CompileError) -> (input: Int, output: Int) {
        var random = SeededGenerator(seed: seed)
        func linear() -> QuantizedGraphBuilder.LinearParameters {
            .init(weight: (0..<(features * features)).map { _ in Float.random(in: -0.3...0.3, using: &random) },
                  bias: (0..<features).map { _ in Float.random(in: -0.1...0.1, using: &random) }, outFeatures: features, inFeatures: features)
        }
        let g = kit.graph
        let h = g.value("tokens", shape: [rows, features])
        let x = try kit.quantize(h, label: "block.input")
        let q = try kit.projection("block.q", linear(), input: x, output: "block.q.out", role: .attentionOperands, layout: .headMajor, heads: heads)
        let k = try kit.projection("block.k", linear(), input: x, output: "block.k.out", role: .attentionOperands, layout: .headMajor, heads: heads)
        let v = try kit.quantize(try kit.linear("block.v", linear(), input: x, output: "block.v.out"), label: "block.v.out",
                                 role: .attentionOperands, layout: .headMajorTransposed, heads: heads, groupRows: window)
        var shape = QuantizedGraphBuilder.AttentionShape(heads: heads, features: features, scoreScale: 0.25, longestSequence: window)
        shape.groupRows = window
        let ctx = try kit.attention("block.attention", shape, q: q, k: k, v: v, mask: nil, context: "block.context")
        let y = try kit.linear("block.proj", linear(), input: ctx, output: "block.out", residual: h)
        return (h, y)
    }

    /// The block compiled by `kit`'s mode into a loadable image.
    static func image(_ kit: QuantizedGraphBuilder) throws -> [UInt8] {
        let (input, output) = try lower(kit)
        try kit.finish()
        let model = QVB.Model(producer: QVB.Producer(name: "test"), family: .generic, bert: nil, precision: "test", tokenizer: nil,
                              tensors: kit.graph.tensors, values: kit.graph.values, ops: kit.graph.ops,
                              inputs: [QVB.Port(name: "tokens", value: input, role: .tensor)],
                              outputs: [QVB.Port(name: "out", value: output, role: .tensor)], maxTokens: 0)
        return try QVBWriter.encode(model, sections: kit.graph.sections, compression: .none)
    }

    @Test(arguments: [Precision.w1a1, .w2a2, .w8a8])
    func windowBlockLowersAndRunsAsTheReference(_ precision: Precision) throws {
        let calibration = QuantizedGraphBuilder(.calibration(precision.preset))
        _ = try Self.image(calibration)
        let plan = calibration.plan
        let bytes = try Self.image(QuantizedGraphBuilder(.quantized(precision.preset, plan: plan, source: madeUpTrainedScales(for: plan))))
        try CompiledMiniLM.withModel(bytes) { model in
            let ops = model.metadata.ops
            let attention = try #require(ops.first { if case .attention = $0.attributes { return true } else { return false } })
            guard case .attention(_, _, _, let groupRows) = attention.attributes else { return }
            #expect(groupRows == Self.window)
            #expect(attention.inputs.count == 3, "windowed attention takes no mask")
            let v = model.metadata.values[attention.inputs[2]]
            #expect(v.shape == [Self.rows / Self.window, Self.window, Self.features])
            var random = SeededGenerator(seed: 9)
            let x = (0..<(Self.rows * Self.features)).map { _ in Float.random(in: -1...1, using: &random) }
            try x.withUnsafeBufferPointer { buffer in
                let inputs = [ModelInput(name: "tokens", data: .floats(buffer))]
                var expected: [Int: Snapshot] = [:]
                let reference = try ReferenceExecutor(model: model).run(inputs: inputs) { expected[$0] = Snapshot($1) }
                for path in KernelPath.supported {
                    let session = try InferenceSession(model: model, path: path)
                    var actual: [Int: Snapshot] = [:]
                    let out = try session.run(inputs: inputs) { actual[$0] = Snapshot($1) }.copy("out")
                    for (v, want) in expected {
                        switch (actual[v], want) {
                        case (.codes(let a)?, .codes(let b)): #expect(a == b, "\(precision) \(path): codes of '\(model.metadata.values[v].name)'")
                        case (.floats(let a)?, .floats(let b)):
                            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }, "\(precision) \(path): '\(model.metadata.values[v].name)'")
                        default: Issue.record("\(path): value \(v) missing or of another kind")
                        }
                    }
                    #expect(out?.count == reference.first?.floats?.count)
                }
            }
        }
    }
}
