import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// Attention over row groups (windows, `groupRows` > 0): every row attends only within its group,
/// work split across groups × heads; FP32 and integer, on fixed rows (as an image model has) and
/// on token rows, against the reference on every path and worker count.
@Suite struct WindowAttentionTests {
    @Test(arguments: [false, true])
    func floatWindows(tokenRows: Bool) throws {
        let g = TestGraph(seed: 50)
        let f = 32, heads = 2, window = 4, rows = 12
        let shape = tokenRows ? [-1, f] : [rows, f]
        let q = g.input("q", shape: shape), k = g.input("k", shape: shape), v = g.input("v", shape: shape)
        let out = g.value("context", shape: shape)
        g.op("attention", .attention(heads: heads, scoreScale: 0.3, probs: nil, groupRows: window), inputs: [q, k, v], outputs: [out])
        g.output(out)
        let check = try OneOpCheck(g, tolerance: 1e-4)
        for n in tokenRows ? [4, 8, 12] : [rows] {
            let reference = try withInputs(floats: ["q", "k", "v"].map { ($0, g.activations(tokens: n, features: f)) }) { try check.run($0) }
            #expect(reference.first?.floats?.count == n * f)
        }
        if tokenRows {
            // 6 rows are not whole windows of 4.
            try withInputs(floats: ["q", "k", "v"].map { ($0, g.activations(tokens: 6, features: f)) }) { inputs in
                #expect(throws: RuntimeError.self) { try InferenceSession(model: check.loaded.model).run(inputs: inputs) }
            }
        }
    }

    /// A window's context depends on its own rows only: changing the rows of window 1 leaves
    /// window 0's context as it was.
    @Test func windowsDoNotSeeEachOther() throws {
        let g = TestGraph(seed: 51)
        let f = 16, window = 3
        let q = g.input("q", shape: [6, f]), k = g.input("k", shape: [6, f]), v = g.input("v", shape: [6, f])
        let out = g.value("context", shape: [6, f])
        g.op("attention", .attention(heads: 1, scoreScale: 0.5, probs: nil, groupRows: window), inputs: [q, k, v], outputs: [out])
        g.output(out)
        let model = try g.load()
        let x = g.activations(tokens: 6, features: f)
        var changed = x
        for i in (window * f)..<(6 * f) { changed[i] = -changed[i] * 2 }
        func context(_ data: [Float]) throws -> [Float] {
            try withInputs(floats: [("q", data), ("k", data), ("v", data)]) { inputs in
                try InferenceSession(model: model.model).run(inputs: inputs).copy("context")!
            }
        }
        let a = try context(x), b = try context(changed)
        #expect(a[0..<(window * f)] == b[0..<(window * f)])
        #expect(a[(window * f)...] != b[(window * f)...])
    }

    /// Integer windows of 5 rows: v's codes are transposed per window ([2, 5, 64]: 5 two-bit codes
    /// don't fill whole bytes, so each window has packed rows of its own).
    @Test(arguments: [(QuantFormat.signed2, QuantFormat.unsigned2), (.binary, .unsigned1), (.signed8, .unsigned8)])
    func integerWindows(codes: QuantFormat, probs: QuantFormat) throws {
        let g = TestGraph(seed: 52)
        let f = 64, heads = 2, window = 5, rows = 10
        var operands: [Int] = []
        for (name, layout) in [("q", QVB.Layout.headMajor), ("k", .headMajor), ("v", .headMajorTransposed)] {
            let x = g.input(name, shape: [rows, f])
            let shape = layout == .headMajorTransposed ? [rows / window, window, f] : [rows, f]
            let xq = g.value(name + ".q", type: codes.elementType, shape: shape,
                             quantizer: Quantizer(format: codes, scale: 0.4), layout: layout, heads: heads)
            g.op(name + ".quantize", .quantize, inputs: [x], outputs: [xq])
            operands.append(xq)
        }
        let probsQuant = TestGraph.probabilities(probs)
        let out = g.value("context", shape: [rows, f])
        g.op("attention", .attention(heads: heads, scoreScale: 0.125, probs: probsQuant, groupRows: window),
             inputs: operands, outputs: [out])
        g.output(out)
        let check = try OneOpCheck(g)
        try withInputs(floats: ["q", "k", "v"].map { ($0, g.activations(tokens: rows, features: f)) }) { try check.run($0) }
    }
}
