import CAllocationCounter
import Testing
import QVCompiler
import QVFormat
import QVKernels
@testable import QVRuntime

/// A session's steps allocate nothing on the heap: every GEMM, attention head and quantization
/// works in the arena's planned scratch. Counted across each `Step.run` of an inference after a
/// first `run`, on every path, serially and split over two workers on the
/// calling thread (the counter counts the calling thread's allocations).
/// HOOK: when `InferenceSession.run` returns views instead of arrays, count the whole `run` here.
@Suite(.serialized) struct SessionAllocationTests {
    #if DEBUG
    static let optimized = false
    #else
    static let optimized = true
    #endif

    @Test(.enabled(if: optimized && qv_allocation_counting_works() != 0, "debug builds box unspecialized SIMD values"),
          arguments: [Precision.fp32, .w8a8, .w2a2, .w1a1])
    func stepsAllocateNothing(_ precision: Precision) throws {
        try CompiledMiniLM.withModel(try CompiledMiniLM.image(precision)) { model in
            let ids = model.tokenizer.encode("The committee met on Tuesday to discuss the budget, and the members agreed.")
            let twoOnOneThread = ParallelFor(workers: 2) { tasks, body in for task in (0..<tasks).reversed() { body(task) } }
            for path in KernelPath.supported {
                for parallel in [ParallelFor.serial, twoOnOneThread] {
                    let session = InferenceSession(model: model, path: path, parallel: parallel)
                    _ = try session.run(ids: ids)
                    // The contexts point into the session's arena: keep the session alive.
                    defer { withExtendedLifetime(session) {} }
                    // Later values reuse the inputs' place: write them again, as `run` does.
                    let inputs = session.context(step: 0, tokens: ids.count)
                    for (t, id) in ids.enumerated() {
                        inputs.int32s(model.io.ids)[t] = id
                        inputs.int32s(model.io.tokenTypes)[t] = 0
                        inputs.int32s(model.io.mask)[t] = 1
                    }
                    for (index, step) in model.steps.enumerated() {
                        let context = session.context(step: index, tokens: ids.count)
                        var failure: String?
                        qv_allocation_counting_begin()
                        do throws(RuntimeError) { try step.run(context) } catch { failure = error.description }
                        let count = qv_allocation_counting_end()
                        #expect(failure == nil)
                        #expect(count == 0, "\(precision) \(path) \(parallel.workers) workers: step \(index) (\(model.metadata.ops[index].attributes)) allocated \(count) times")
                    }
                }
            }
        }
    }
}
