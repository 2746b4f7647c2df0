import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// Named model I/O refuses what doesn't fit, at load and at run, with one clear error each —
/// never a bad memory access.
@Suite struct ModelPortTests {
    /// x [-1, 8] (tensor) and mask (attention mask) → mean-pooled y [1, 8].
    static func pooling(maxTokens: Int = 16, maskRole: QVB.IORole = .attentionMask) -> TestGraph {
        let g = TestGraph(seed: 70, maxTokens: maxTokens)
        let x = g.input("x", shape: [-1, 8]), mask = g.input("mask", role: maskRole)
        let y = g.value("y", shape: [1, 8])
        g.op("pool", .meanPool, inputs: [x, mask], outputs: [y])
        g.output(y)
        return g
    }

    @Test func loadRefusesPortsThatDontFitTheirValues() throws {
        // A token role on an FP32 value.
        let g = TestGraph(seed: 71)
        let x = g.value("x", shape: [-1, 8])
        let y = g.value("y", shape: [-1, 8])
        g.op("softmax", .softmax, inputs: [x], outputs: [y])
        g.output(y)
        g.declareInput(QVB.Port(name: "x", value: x, role: .tokenIds))
        #expect { try g.load() } throws: { ($0 as? RuntimeError)?.message.contains("does not fit") == true }
        // A token bound beyond what the format allows is refused by the writer (and the reader).
        #expect { try Self.pooling(maxTokens: (1 << 16) + 1).load() } throws: {
            ($0 as? QVBError)?.message.contains("max_tokens 65537 is outside") == true
        }
    }

    @Test func runRefusesInputsThatDontFit() throws {
        let loaded = try Self.pooling().load()
        let session = try InferenceSession(model: loaded.model)
        func refusal(_ floats: [(String, [Float])], _ ints: [(String, [Int32])]) -> String? {
            withInputs(floats: floats, int32s: ints) { inputs -> String? in
                do throws(RuntimeError) { _ = try session.run(inputs: inputs); return nil } catch { return error.message }
            }
        }
        let row = [Float](repeating: 1, count: 8)
        #expect(refusal([("x", row + row)], [("mask", [1, 1])]) == nil, "a fitting run")
        #expect(refusal([("x", row + row)], [("mask", [1, 1, 1])])?.contains("tokens, another input") == true)
        #expect(refusal([("x", row + [1])], [])?.contains("whole rows") == true)
        #expect(refusal([("x", row), ("z", row)], [])?.contains("no input named 'z'") == true)
        #expect(refusal([], [("x", [1])])?.contains("takes FP32") == true)
        #expect(refusal([], [("mask", [1])])?.contains("'x'") == true, "the FP32 input is required")
        #expect(refusal([("x", [Float](repeating: 0, count: 8 * 17))], [])?.contains("the model takes 1 to 16") == true)
        // The mask defaults to all ones: the same as passing it.
        let withMask = try withInputs(floats: [("x", row + row.map { $0 * 3 })], int32s: [("mask", [1, 1])]) { inputs in
            try session.run(inputs: inputs).copy("y")!
        }
        let without = try withInputs(floats: [("x", row + row.map { $0 * 3 })]) { inputs in
            try session.run(inputs: inputs).copy("y")!
        }
        #expect(withMask == without && withMask.first == 2)
    }
}
