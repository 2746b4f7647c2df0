import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// Graphs using format version 2's new shapes that don't fit are refused when the model loads,
/// with a message naming the op — never a bad memory access when it runs.
@Suite struct GraphRefusalTests {
    private func refusal(_ g: TestGraph) -> String? {
        do { _ = try g.load(); return nil } catch let e as RuntimeError { return e.message } catch { return "\(error)" }
    }

    @Test func probabilitiesOutputNeedsTokenRows() {
        let g = TestGraph(seed: 80, maxTokens: 2)
        let q = g.input("q", shape: [16, 8]), k = g.input("k", shape: [16, 8]), v = g.input("v", shape: [16, 8])
        let out = g.value("context", shape: [16, 8]), probs = g.value("probs", shape: [1, -1, -1])
        g.op("attention", .attention(heads: 1, scoreScale: 1, probs: nil), inputs: [q, k, v], outputs: [out, probs])
        g.output(out)
        #expect(refusal(g)?.contains("over token rows") == true)
    }

    @Test func windowsLargerThanTheTokenBoundAreRefused() {
        let g = TestGraph(seed: 81, maxTokens: 16)
        let q = g.input("q", shape: [-1, 8]), k = g.input("k", shape: [-1, 8]), v = g.input("v", shape: [-1, 8])
        let out = g.value("context", shape: [-1, 8])
        g.op("attention", .attention(heads: 1, scoreScale: 1, probs: nil, groupRows: 1 << 16), inputs: [q, k, v], outputs: [out])
        g.output(out)
        #expect(refusal(g)?.contains("exceed the 16 tokens") == true)
    }

    @Test func meanPoolNeedsOneRowPerToken() {
        let g = TestGraph(seed: 82)
        let x = g.input("x", shape: [2, 4]), mask = g.input("mask", role: .attentionMask)
        let y = g.value("y", shape: [1, 4])
        g.op("pool", .meanPool, inputs: [x, mask], outputs: [y])
        g.output(y)
        #expect(refusal(g)?.contains("differ in rows") == true)
    }

    /// A per-head transposed value of token rows with a leading 1 is one group, as `[-1, F]` is.
    @Test func transposedTokenRowsWithALeadingOneAreOneGroup() throws {
        let g = TestGraph(seed: 83)
        let x = g.input("x", shape: [-1, 64])
        let q = g.value("x.q", type: .u2, shape: [1, -1, 64], quantizer: Quantizer(format: .signed2, scale: 0.3),
                        layout: .headMajorTransposed, heads: 2)
        g.op("quantize", .quantize, inputs: [x], outputs: [q])
        g.output(q)
        let check = try OneOpCheck(g)
        try withInputs(floats: [("x", g.activations(tokens: 7, features: 64))]) { try check.run($0) }
    }

    /// Rows that don't fill whole windows are refused by the reference as by the fast path.
    @Test func incompleteWindowsAreRefusedByBoth() throws {
        let g = TestGraph(seed: 84)
        let q = g.input("q", shape: [-1, 8]), k = g.input("k", shape: [-1, 8]), v = g.input("v", shape: [-1, 8])
        let out = g.value("context", shape: [-1, 8])
        g.op("attention", .attention(heads: 1, scoreScale: 1, probs: nil, groupRows: 4), inputs: [q, k, v], outputs: [out])
        g.output(out)
        let loaded = try g.load(), model = loaded.model
        try withInputs(floats: ["q", "k", "v"].map { ($0, g.activations(tokens: 6, features: 8)) }) { inputs in
            #expect(throws: RuntimeError.self) { try InferenceSession(model: model).run(inputs: inputs) }
            #expect(throws: RuntimeError.self) { try ReferenceExecutor(model: model).run(inputs: inputs) }
        }
        withExtendedLifetime(loaded) {}
    }

    /// The graph's order is checked when it loads: a value read before anything writes it, an
    /// op writing a model input, and an output nothing writes are each refused.
    @Test func valuesAreWrittenBeforeTheyAreRead() {
        let unwritten = TestGraph(seed: 85)
        let x = unwritten.input("x", shape: [-1, 8])
        let stray = unwritten.value("stray", shape: [-1, 8]), y = unwritten.value("y", shape: [-1, 8])
        unwritten.op("softmax", .softmax, inputs: [stray], outputs: [y])
        unwritten.op("unused", .softmax, inputs: [x], outputs: [stray])
        unwritten.output(y)
        #expect(refusal(unwritten)?.contains("reads value 'stray' before any op writes it") == true)

        let overwrite = TestGraph(seed: 86)
        let input = overwrite.input("x", shape: [-1, 8]), out = overwrite.value("y", shape: [-1, 8])
        overwrite.op("softmax", .softmax, inputs: [input], outputs: [out])
        overwrite.op("clobber", .softmax, inputs: [out], outputs: [input])
        overwrite.output(out)
        #expect(refusal(overwrite)?.contains("writes the model input 'x'") == true)

        let silent = TestGraph(seed: 87)
        let a = silent.input("x", shape: [-1, 8]), b = silent.value("y", shape: [-1, 8]), c = silent.value("never", shape: [-1, 8])
        silent.op("softmax", .softmax, inputs: [a], outputs: [b])
        silent.output(b)
        silent.output(c)
        #expect(refusal(silent)?.contains("'never' is never written") == true)
    }
}
