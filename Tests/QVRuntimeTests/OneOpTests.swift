import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// One op at a time, in graphs the test builds (no model wheel, no tokenizer): the fast path on
/// every kernel path and worker count against the reference interpreter. Ops that need codes
/// inputs get a Quantize op in front; every value written is compared.
@Suite struct OneOpTests {
    static let tokenCounts = [1, 5, 13]

    @Test(arguments: [false, true])
    func embedding(quantizedTables: Bool) throws {
        let g = TestGraph(seed: 1)
        let width = 24
        let ids = g.input("ids", role: .tokenIds), types = g.input("types", role: .tokenTypes)
        func table(_ name: String, rows: Int) -> Int {
            guard quantizedTables else { return g.floats(name, shape: [rows, width]) }
            return g.packedCodes(name, rows: rows, columns: width, format: .signed8,
                                 scales: g.randomFloats(rows, in: 0.001...0.02))
        }
        let tables = [table("word", rows: 40), table("position", rows: 16), table("type", rows: 2)]
        let out = g.value("sum", shape: [-1, width])
        g.op("embeddings", .embedding, inputs: [ids, types], outputs: [out], weights: tables)
        g.output(out)
        let check = try OneOpCheck(g)
        for n in Self.tokenCounts {
            let idValues = (0..<n).map { Int32(($0 * 7 + 3) % 40) }, typeValues = (0..<n).map { Int32($0 % 2) }
            try withInputs(int32s: [("ids", idValues), ("types", typeValues)]) { try check.run($0) }
        }
        // Ids outside the table are refused by the session and the reference alike.
        try withInputs(int32s: [("ids", [1, 40])]) { inputs in
            #expect(throws: RuntimeError.self) { try InferenceSession(model: check.loaded.model).run(inputs: inputs) }
            #expect(throws: RuntimeError.self) { try ReferenceExecutor(model: check.loaded.model).run(inputs: inputs) }
        }
    }

    @Test func layerNorm() throws {
        let g = TestGraph(seed: 2)
        let x = g.input("x", shape: [-1, 40])
        let y = g.value("y", shape: [-1, 40])
        g.op("norm", .layerNorm(epsilon: 1e-5), inputs: [x], outputs: [y],
             weights: [g.floats("gamma", shape: [40], in: 0.5...1.5), g.floats("beta", shape: [40])])
        g.output(y)
        try runFloatInput(g, "x", features: 40)
    }

    static let codeFormats: [QuantFormat] = [.binary, .unsigned1, .signed2, .unsigned2, .signed8, .unsigned8]

    @Test(arguments: codeFormats)
    func quantizeRowMajor(format: QuantFormat) throws {
        let g = TestGraph(seed: 3)
        let x = g.input("x", shape: [-1, 37])
        let q = g.codes("x.q", features: 37, quantizer: Quantizer(format: format, scale: 0.3, offset: format.scheme == .unsignedOffset ? -0.5 : 0))
        g.op("quantize", .quantize, inputs: [x], outputs: [q])
        g.output(q)
        try runFloatInput(g, "x", features: 37)
    }

    @Test(arguments: [QVB.Layout.headMajor, .headMajorTransposed], [QuantFormat.signed2, .signed8, .binary])
    func quantizePerHead(layout: QVB.Layout, format: QuantFormat) throws {
        let g = TestGraph(seed: 4)
        let x = g.input("x", shape: [-1, 64])
        let q = g.codes("x.q", features: 64, quantizer: Quantizer(format: format, scale: 0.25), layout: layout, heads: 2)
        g.op("quantize", .quantize, inputs: [x], outputs: [q])
        g.output(q)
        try runFloatInput(g, "x", features: 64)
    }

    @Test(arguments: [QVB.Activation.none, .gelu, .tanh], [false, true])
    func linearFloat(activation: QVB.Activation, residual: Bool) throws {
        let g = TestGraph(seed: 5)
        let k = 48, n = 40
        let x = g.input("x", shape: [-1, k])
        let r = residual ? g.input("r", shape: [-1, n]) : nil
        let y = g.value("y", shape: [-1, n])
        g.op("linear", .linear(activation: activation), inputs: [x] + (r.map { [$0] } ?? []), outputs: [y],
             weights: [g.panels("w", rows: n, columns: k), g.floats("b", shape: [n])])
        g.output(y)
        let check = try OneOpCheck(g, tolerance: 1e-4)
        for tokens in Self.tokenCounts {
            let floats = [("x", g.activations(tokens: tokens, features: k))] + (residual ? [("r", g.activations(tokens: tokens, features: n))] : [])
            try withInputs(floats: floats) { try check.run($0) }
        }
    }

    /// (activations, weights) pairs the integer GEMM multiplies.
    static let integerPairs: [(QuantFormat, QuantFormat)] = [
        (.binary, .binary), (.unsigned1, .binary), (.unsigned2, .signed2), (.signed2, .signed2),
        (.unsigned8, .signed8), (.signed8, .signed8), (.unsigned2, .signed8), (.unsigned8, .signed2),
    ]

    @Test(arguments: 0..<integerPairs.count, [QVB.Activation.gelu, .tanh])
    func linearInteger(pair: Int, activation: QVB.Activation) throws {
        let (a, w) = Self.integerPairs[pair]
        let g = TestGraph(seed: 6 + UInt64(pair))
        let k = 80, n = 36
        let x = g.input("x", shape: [-1, k])
        let xq = g.codes("x.q", features: k, quantizer: Quantizer(format: a, scale: 0.2, offset: a.scheme == .unsignedOffset ? -0.3 : 0))
        g.op("quantize", .quantize, inputs: [x], outputs: [xq])
        let y = g.value("y", shape: [-1, n])
        g.op("linear", .linear(activation: activation), inputs: [xq], outputs: [y],
             weights: [g.packedCodes("w", rows: n, columns: k, format: w, scales: g.randomFloats(n, in: 0.01...0.05)),
                       g.floats("bias", shape: [n]), g.floats("scale", shape: [n], in: 0.001...0.01)])
        g.output(y)
        try runFloatInput(g, "x", features: k)
    }

    @Test(arguments: [false, true])
    func attentionFloat(masked: Bool) throws {
        let g = TestGraph(seed: 20)
        let f = 32, heads = 2
        let q = g.input("q", shape: [-1, f]), k = g.input("k", shape: [-1, f]), v = g.input("v", shape: [-1, f])
        let mask = g.input("mask", role: .attentionMask)
        let out = g.value("context", shape: [-1, f])
        g.op("attention", .attention(heads: heads, scoreScale: 0.25, probs: nil), inputs: [q, k, v, mask], outputs: [out])
        g.output(out)
        let check = try OneOpCheck(g, tolerance: 1e-4)
        for n in Self.tokenCounts {
            let m = (0..<n).map { masked && $0 % 3 == 2 ? Int32(0) : 1 }
            try withInputs(floats: ["q", "k", "v"].map { ($0, g.activations(tokens: n, features: f)) }, int32s: [("mask", m)]) {
                try check.run($0)
            }
        }
    }

    /// (q/k/v format, probabilities format) of integer attention.
    static let attentionFormats: [(QuantFormat, QuantFormat)] = [(.signed2, .unsigned2), (.binary, .unsigned1), (.signed8, .unsigned8)]

    @Test(arguments: 0..<attentionFormats.count)
    func attentionInteger(formats: Int) throws {
        let (codes, probs) = Self.attentionFormats[formats]
        let g = TestGraph(seed: 30 + UInt64(formats))
        let f = 64, heads = 2
        let mask = g.input("mask", role: .attentionMask)
        var operands: [Int] = []
        for (name, layout) in [("q", QVB.Layout.headMajor), ("k", .headMajor), ("v", .headMajorTransposed)] {
            let x = g.input(name, shape: [-1, f])
            let xq = g.codes(name + ".q", features: f, quantizer: Quantizer(format: codes, scale: 0.4), layout: layout, heads: heads)
            g.op(name + ".quantize", .quantize, inputs: [x], outputs: [xq])
            operands.append(xq)
        }
        let probsQuant = TestGraph.probabilities(probs)
        let out = g.value("context", shape: [-1, f])
        g.op("attention", .attention(heads: heads, scoreScale: 0.125, probs: probsQuant), inputs: operands + [mask], outputs: [out])
        g.output(out)
        let check = try OneOpCheck(g)
        for n in [5, 16] {
            let m = (0..<n).map { $0 == 3 ? Int32(0) : 1 }
            try withInputs(floats: ["q", "k", "v"].map { ($0, g.activations(tokens: n, features: f)) }, int32s: [("mask", m)]) {
                try check.run($0)
            }
        }
    }

    @Test func meanPool() throws {
        let g = TestGraph(seed: 40)
        let x = g.input("x", shape: [-1, 20]), mask = g.input("mask", role: .attentionMask)
        let y = g.value("pooled", shape: [1, 20])
        g.op("pool", .meanPool, inputs: [x, mask], outputs: [y])
        g.output(y)
        let check = try OneOpCheck(g)
        for n in Self.tokenCounts {
            try withInputs(floats: [("x", g.activations(tokens: n, features: 20))], int32s: [("mask", (0..<n).map { Int32($0 % 2) })]) {
                try check.run($0)
            }
        }
    }

    @Test func clsPool() throws {
        let g = TestGraph(seed: 41)
        let x = g.input("x", shape: [-1, 20])
        let y = g.value("cls", shape: [1, 20])
        g.op("pool", .clsPool, inputs: [x], outputs: [y])
        g.output(y)
        try runFloatInput(g, "x", features: 20)
    }

    @Test(arguments: [QVB.OpAttributes.l2Normalize(epsilon: 1e-12), .softmax])
    func rowwise(attributes: QVB.OpAttributes) throws {
        let g = TestGraph(seed: 42)
        let x = g.input("x", shape: [-1, 30])
        let y = g.value("y", shape: [-1, 30])
        g.op("rowwise", attributes, inputs: [x], outputs: [y])
        g.output(y)
        try runFloatInput(g, "x", features: 30)
    }

    /// Checks a graph whose one input is the FP32 `[tokens, features]` tensor `name`.
    private func runFloatInput(_ g: TestGraph, _ name: String, features: Int) throws {
        let check = try OneOpCheck(g)
        for n in Self.tokenCounts {
            try withInputs(floats: [(name, g.activations(tokens: n, features: features))]) { try check.run($0) }
        }
    }
}
