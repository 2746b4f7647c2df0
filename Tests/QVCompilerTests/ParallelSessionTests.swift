import Dispatch
import Foundation
import Testing
import QVCompiler
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// Splitting GEMMs, attention heads and quantization across workers changes nothing: every value
/// every step writes is bit-identical to a one-worker run, for 2 and 3 workers (3 splits 384
/// columns and 12 heads unevenly), at every precision, on short and long sequences.
@Suite(.serialized) struct ParallelSessionTests {
    /// Runs tasks concurrently on Dispatch's worker threads. The runtime's tasks touch disjoint
    /// memory, which the compiler cannot see: hence the unchecked box.
    static func concurrent(_ workers: Int) -> ParallelFor {
        ParallelFor(workers: workers) { tasks, body in
            withoutActuallyEscaping(body) { body in
                let task = UncheckedTask(body)
                DispatchQueue.concurrentPerform(iterations: tasks) { task.body($0) }
            }
        }
    }

    /// Runs tasks one after another, last first: catches a task that depends on another's order.
    static func reversed(_ workers: Int) -> ParallelFor {
        ParallelFor(workers: workers) { tasks, body in for task in (0..<tasks).reversed() { body(task) } }
    }

    static let texts = [
        "ok",
        "Quantum computers use qubits; can they break RSA-2048 by 2030??? https://example.com/q?x=1",
        String(repeating: "The committee met on Tuesday to discuss the budget, and after a long debate the members agreed. ", count: 6),
    ]

    @Test(arguments: [Precision.fp32, .w8a8, .w2a2, .w1a1])
    func workersGiveBitIdenticalValues(_ precision: Precision) throws {
        try CompiledMiniLM.withModel(try CompiledMiniLM.image(precision)) { model in
            let serial = try InferenceSession(model: model, path: .best)
            let parallel = [("2 concurrent", Self.concurrent(2)), ("3 concurrent", Self.concurrent(3)), ("2 reversed", Self.reversed(2))]
            for text in Self.texts {
                let ids = try model.tokenizer().encode(text)
                var expected: [Int: [UInt32]] = [:]
                let one = try serial.run(ids: ids) { expected[$0] = bitPatterns($1) }
                for (name, p) in parallel {
                    let session = try InferenceSession(model: model, path: .best, parallel: p)
                    var differing: [String] = []
                    let many = try session.run(ids: ids) { v, snapshot in
                        if bitPatterns(snapshot) != expected[v] { differing.append(model.metadata.values[v].name) }
                    }
                    #expect(differing.isEmpty, "\(precision) \(name), \(ids.count) tokens: \(differing.prefix(5)) differ")
                    #expect(many.embedding?.map(\.bitPattern) == one.embedding?.map(\.bitPattern))
                }
            }
            #expect(try model.tokenizer().encode(Self.texts[2]).count > 100, "the long text must give a long sequence")
        }
    }
}

/// A task body handed to other threads.
private struct UncheckedTask: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

/// The bits of every element of a snapshot, so equality means bit-identical (NaN included).
private func bitPatterns(_ snapshot: ValueSnapshot) -> [UInt32] {
    switch snapshot {
    case .floats(let f): return f.map(\.bitPattern)
    case .int32s(let i): return i.map { UInt32(bitPattern: $0) }
    case .codes(let c): return c.map { UInt32(bitPattern: $0) }
    }
}

/// The parallel-for helpers split work exactly.
@Suite struct ParallelForTests {
    @Test(arguments: [1, 2, 3, 4, 7])
    func columnRangesTileTheColumnsOnGranuleBoundaries(_ tasks: Int) {
        for columns in [1, 15, 16, 17, 100, 384, 1536, 1537] {
            let ranges = (0..<tasks).map { ParallelFor.columnRange(task: $0, of: tasks, columns: columns) }
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == columns)
            for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            for r in ranges.dropFirst() where !r.isEmpty { #expect(r.lowerBound % columnGranule == 0) }
            let sizes = ranges.map(\.count).filter { $0 > 0 }
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= columnGranule || columns < columnGranule * tasks)
        }
    }

    @Test func forEachRunsEveryTaskOnceAndRethrowsTheFirstFailure() {
        struct Failure: Error, Equatable { let task: Int }
        let p = ParallelSessionTests.concurrent(4)
        let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: 9)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0)
        p.forEach(9) { counts[$0] += 1 }
        #expect(Array(counts) == Array(repeating: 1, count: 9))
        #expect(throws: Failure(task: 2)) {
            try p.forEach(6) { (task: Int) throws(Failure) in if task == 2 || task == 5 { throw Failure(task: task) } }
        }
    }

    @Test func smallProductsStayOnOneTask() {
        let p = ParallelSessionTests.concurrent(2)
        #expect(p.columnTasks(columns: 384, work: 384 * 384) == 1)
        #expect(p.columnTasks(columns: 16, work: 1 << 30) == 1)
        #expect(p.columnTasks(columns: 384, work: 128 * 384 * 384) == 2)
        #expect(ParallelFor.serial.columnTasks(columns: 1536, work: 1 << 30) == 1)
    }
}
