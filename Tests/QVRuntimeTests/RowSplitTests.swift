import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// A linear layer with too few columns to split (16 outputs) but many rows splits its rows across
/// workers — FP32, and integer with each row task preparing its own rows — and gives the same bits
/// as one worker.
@Suite struct RowSplitTests {
    @Test func fewColumnsSplitByRowsBitIdentically() throws {
        let g = TestGraph(seed: 60)
        let rows = 1100, k = 128, n = 16
        let x = g.input("x", shape: [rows, k])
        let y = g.value("y", shape: [rows, n])
        g.op("linear", .linear(activation: .gelu), inputs: [x], outputs: [y],
             weights: [g.panels("w", rows: n, columns: k), g.floats("b", shape: [n])])
        g.output(y)
        let loaded = try g.load()
        let parallel = concurrentParallelFor(workers: 3)
        #expect(parallel.columnTasks(columns: n, work: rows * n * k) == 1)
        #expect(parallel.rowTasks(rows: rows, work: rows * n * k) == 2)
        let data = g.activations(tokens: rows, features: k)
        try expectSameBits(loaded, input: data, serialAnd: parallel)
        let check = try OneOpCheck(g, tolerance: 1e-4)
        try withInputs(floats: [("x", data)]) { try check.run($0) }
    }

    @Test(arguments: [(QuantFormat.binary, QuantFormat.binary), (.unsigned2, .signed2), (.unsigned8, .signed8)])
    func integerFewColumnsSplitByRowsBitIdentically(activations: QuantFormat, weights: QuantFormat) throws {
        let g = TestGraph(seed: 61)
        let rows = 1100, k = 192, n = 16
        let x = g.input("x", shape: [rows, k])
        let xq = g.value("x.q", type: activations.elementType, shape: [rows, k],
                         quantizer: Quantizer(format: activations, scale: 0.3, offset: activations.scheme == .unsignedOffset ? -0.4 : 0))
        g.op("quantize", .quantize, inputs: [x], outputs: [xq])
        let y = g.value("y", shape: [rows, n])
        g.op("linear", .linear(activation: .none), inputs: [xq], outputs: [y],
             weights: [g.packedCodes("w", rows: n, columns: k, format: weights, scales: g.randomFloats(n, in: 0.01...0.05)),
                       g.floats("bias", shape: [n]), g.floats("scale", shape: [n], in: 0.001...0.01)])
        g.output(y)
        let loaded = try g.load()
        let parallel = concurrentParallelFor(workers: 3)
        #expect(parallel.rowTasks(rows: rows, work: rows * n * k) == 3)
        let data = g.activations(tokens: rows, features: k)
        try expectSameBits(loaded, input: data, serialAnd: parallel)
        let check = try OneOpCheck(g)
        try withInputs(floats: [("x", data)]) { try check.run($0) }
    }

    /// Output `y` of `loaded` on input `x` = `data` is the same, bit for bit, serially and on
    /// `parallel`, on every path.
    private func expectSameBits(_ loaded: LoadedTestModel, input data: [Float], serialAnd parallel: ParallelFor) throws {
        for path in KernelPath.supported {
            let results = try [ParallelFor.serial, parallel].map { p in
                try withInputs(floats: [("x", data)]) { inputs in
                    try InferenceSession(model: loaded.model, path: path, parallel: p).run(inputs: inputs).copy("y")!
                }
            }
            #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern), "\(path)")
        }
    }
}
