import Testing
import QVFormat
import QVKernels
@testable import QVRuntime

/// Runs a test graph on every kernel path this CPU has (serially and on three workers) and
/// compares every value each op writes, and every output, with the reference interpreter:
/// codes identical, floats within `tolerance` relative.
struct OneOpCheck {
    let loaded: LoadedTestModel
    let tolerance: Float

    init(_ graph: TestGraph, tolerance: Float = 1e-5) throws {
        loaded = try graph.load()
        self.tolerance = tolerance
    }

    /// Compares the fast paths with the reference on `inputs`; returns the reference outputs.
    @discardableResult
    func run(_ inputs: [ModelInput], sourceLocation: SourceLocation = #_sourceLocation) throws -> [ReferenceExecutor.Output] {
        let model = loaded.model
        var expected: [Int: Written] = [:]
        let reference = try ReferenceExecutor(model: model).run(inputs: inputs) { v, snapshot in expected[v] = Written(snapshot) }
        #expect(!expected.isEmpty, "the graph wrote nothing", sourceLocation: sourceLocation)
        for path in KernelPath.supported {
            for parallel in [ParallelFor.serial, concurrentParallelFor(workers: 3)] {
                let session = try InferenceSession(model: model, path: path, parallel: parallel)
                var actual: [Int: Written] = [:]
                let outputs = try session.run(inputs: inputs) { v, snapshot in actual[v] = Written(snapshot) }
                let place = "\(path), \(parallel.workers) worker(s)"
                #expect(Set(actual.keys) == Set(expected.keys), "\(place): different values written", sourceLocation: sourceLocation)
                for (v, want) in expected {
                    guard let got = actual[v] else { continue }
                    compare(got, want, "\(place), value '\(model.metadata.values[v].name)'", sourceLocation)
                }
                for (port, want) in zip(model.outputs, reference) {
                    let got: Written = port.elements == .codes ? .codes(outputs.codes(port.name) ?? [])
                        : .floats(outputs.copy(port.name) ?? [])
                    switch want {
                    case .floats(let x): compare(got, .floats(x), "\(place), output '\(port.name)'", sourceLocation)
                    case .codes(let c): compare(got, .codes(c), "\(place), output '\(port.name)'", sourceLocation)
                    }
                }
            }
        }
        return reference
    }

    private func compare(_ got: Written, _ want: Written, _ place: String, _ location: SourceLocation) {
        switch (got, want) {
        case (.codes(let a), .codes(let b)):
            #expect(a == b, "\(place): codes differ at \(a.indices.first { a[$0] != b[$0] } ?? -1)", sourceLocation: location)
        case (.floats(let a), .floats(let b)):
            #expect(a.count == b.count, "\(place): \(a.count) floats, expected \(b.count)", sourceLocation: location)
            let bad = zip(a, b).enumerated().first { _, pair in
                !(abs(pair.0 - pair.1) <= tolerance * max(1, abs(pair.1))) && !(pair.0 == pair.1)
            }
            #expect(bad == nil, "\(place): float \(bad?.offset ?? 0) is \(bad?.element.0 ?? 0), expected \(bad?.element.1 ?? 0)",
                    sourceLocation: location)
        default:
            Issue.record("\(place): one side wrote codes, the other floats", sourceLocation: location)
        }
    }
}

/// A copy of what an observer saw.
enum Written: Equatable {
    case floats([Float])
    case codes([Int32])

    init(_ snapshot: ValueSnapshot) {
        switch snapshot {
        case .floats(let x): self = .floats(Array(x))
        case .int32s(let x): self = .codes(Array(x))
        case .codes(let c): self = .codes(c)
        }
    }
}

/// Inputs for a run: an FP32 `[tokens, features]` tensor of seeded values, and Int32 inputs.
extension TestGraph {
    /// Seeded floats for an FP32 input of `tokens` rows.
    func activations(tokens: Int, features: Int, in range: ClosedRange<Float> = -2...2) -> [Float] {
        randomFloats(tokens * features, in: range)
    }
}

/// Runs `body` with `ModelInput`s viewing the given arrays.
func withInputs<T>(floats: [(String, [Float])] = [], int32s: [(String, [Int32])] = [],
                   _ body: ([ModelInput]) throws -> T) rethrows -> T {
    var inputs: [ModelInput] = []
    var keep: [UnsafeMutableRawBufferPointer] = []
    defer { keep.forEach { $0.deallocate() } }
    for (name, x) in floats {
        let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, x.count))
        _ = b.initialize(from: x)
        keep.append(UnsafeMutableRawBufferPointer(b))
        inputs.append(ModelInput(name: name, data: .floats(UnsafeBufferPointer(rebasing: b[0..<x.count]))))
    }
    for (name, x) in int32s {
        let b = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(1, x.count))
        _ = b.initialize(from: x)
        keep.append(UnsafeMutableRawBufferPointer(b))
        inputs.append(ModelInput(name: name, data: .int32s(UnsafeBufferPointer(rebasing: b[0..<x.count]))))
    }
    return try body(inputs)
}
