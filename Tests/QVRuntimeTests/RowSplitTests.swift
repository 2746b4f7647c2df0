import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// An FP32 linear layer with too few columns to split (16 outputs) but many rows splits its rows
/// across workers, and gives the same bits as one worker.
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
        for path in KernelPath.supported {
            let results = try [ParallelFor.serial, parallel].map { p in
                try withInputs(floats: [("x", data)]) { inputs in
                    Array(try InferenceSession(model: loaded.model, path: path, parallel: p).run(inputs: inputs).floats("y")!)
                }
            }
            #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern), "\(path)")
        }
        let check = try OneOpCheck(g, tolerance: 1e-4)
        try withInputs(floats: [("x", data)]) { try check.run($0) }
    }
}
