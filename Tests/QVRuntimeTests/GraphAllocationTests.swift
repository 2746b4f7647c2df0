import CAllocationCounter
import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// The ops and shapes MiniLM doesn't reach — windows (FP32 and integer, per-window transposed v),
/// the row split of a narrow integer layer, an image-shaped input, a codes output — run with no
/// heap allocation after the first run, on every path and with two workers (run on the calling
/// thread, whose allocations the counter counts), and give the same outputs every time.
@Suite(.serialized) struct GraphAllocationTests {
    #if DEBUG
    static let optimized = false
    #else
    static let optimized = true
    #endif

    /// Graph builders with the input each runs on.
    static let graphs: [(String, @Sendable () -> (TestGraph, [(String, [Float])]))] = [
        ("float windows", {
            let g = TestGraph(seed: 90)
            let q = g.input("q", shape: [12, 32]), k = g.input("k", shape: [12, 32]), v = g.input("v", shape: [12, 32])
            let out = g.value("context", shape: [12, 32])
            g.op("attention", .attention(heads: 2, scoreScale: 0.3, probs: nil, groupRows: 4), inputs: [q, k, v], outputs: [out])
            g.output(out)
            return (g, ["q", "k", "v"].map { ($0, g.activations(tokens: 12, features: 32)) })
        }),
        ("integer windows", {
            let g = TestGraph(seed: 91)
            var operands: [Int] = []
            for (name, layout) in [("q", QVB.Layout.headMajor), ("k", .headMajor), ("v", .headMajorTransposed)] {
                let x = g.input(name, shape: [10, 64])
                let xq = g.value(name + ".q", type: .u2, shape: layout == .headMajorTransposed ? [2, 5, 64] : [10, 64],
                                 quantizer: Quantizer(format: .signed2, scale: 0.4), layout: layout, heads: 2)
                g.op(name + ".quantize", .quantize, inputs: [x], outputs: [xq])
                operands.append(xq)
            }
            let out = g.value("context", shape: [10, 64])
            g.op("attention", .attention(heads: 2, scoreScale: 0.125, probs: QVB.Quantization(scheme: .unsignedOffset, bits: 2, scale: [1 / 3]),
                                         groupRows: 5), inputs: operands, outputs: [out])
            g.output(out)
            return (g, ["q", "k", "v"].map { ($0, g.activations(tokens: 10, features: 64)) })
        }),
        ("narrow integer layer over many rows", {
            let g = TestGraph(seed: 92)
            let x = g.input("x", shape: [1100, 128])
            let xq = g.value("x.q", type: .u2, shape: [1100, 128], quantizer: Quantizer(format: .unsigned2, scale: 0.3, offset: -0.4))
            g.op("quantize", .quantize, inputs: [x], outputs: [xq])
            let y = g.value("y", shape: [1100, 16])
            g.op("linear", .linear(activation: .gelu), inputs: [xq], outputs: [y],
                 weights: [g.packedCodes("w", rows: 16, columns: 128, format: .signed2, scales: g.randomFloats(16, in: 0.01...0.05)),
                           g.floats("bias", shape: [16]), g.floats("scale", shape: [16], in: 0.001...0.01)])
            g.output(y)
            return (g, [("x", g.activations(tokens: 1100, features: 128))])
        }),
        ("image input to codes output", {
            let g = TestGraph(seed: 93)
            let x = g.input("pixels", shape: [1, 3, 8, 64], role: .image)
            let y = g.value("normalized", shape: [1, 3, 8, 64])
            g.op("softmax", .softmax, inputs: [x], outputs: [y])
            let q = g.value("codes", type: .u1, shape: [24, 64], quantizer: Quantizer(format: .binary, scale: 1, offset: 1.0 / 64),
                            layout: .headMajorTransposed, heads: 4)
            g.op("quantize", .quantize, inputs: [y], outputs: [q])
            g.output(y)
            g.output(q)
            return (g, [("pixels", g.activations(tokens: 24, features: 64))])
        }),
    ]

    @Test(.enabled(if: optimized && qv_allocation_counting_works() != 0, "debug builds box unspecialized SIMD values"),
          arguments: 0..<graphs.count)
    func runsAllocateNothingAfterTheFirst(graph: Int) throws {
        let (name, make) = Self.graphs[graph]
        let (g, data) = make()
        let loaded = try g.load()
        let twoOnOneThread = ParallelFor(workers: 2) { tasks, body in for task in (0..<tasks).reversed() { body(task) } }
        try withInputs(floats: data) { inputs in
            for path in KernelPath.supported {
                for parallel in [ParallelFor.serial, twoOnOneThread] {
                    let session = try InferenceSession(model: loaded.model, path: path, parallel: parallel)
                    let first = try session.run(inputs: inputs).copy(loaded.model.outputs[0].name)
                    var failure: String?, same = true
                    qv_allocation_counting_begin()
                    for _ in 0..<3 {
                        do throws(RuntimeError) {
                            let outputs = try session.run(inputs: inputs)
                            if let now = outputs.floats(loaded.model.outputs[0].name), let first {
                                same = same && now.elementsEqual(first)
                            }
                        } catch { failure = error.description }
                    }
                    let count = qv_allocation_counting_end()
                    #expect(failure == nil)
                    #expect(same, "\(name) \(path): a later run gave other outputs")
                    #expect(count == 0, "\(name) \(path) \(parallel.workers) workers: three runs allocated \(count) times")
                }
            }
        }
    }
}
