import CAllocationCounter
import Testing
import QVCompiler
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// A whole inference allocates nothing on the heap after the first: `InferenceSession.run(inputs:)`
/// writes the inputs into its planned arena, every GEMM, attention head and quantization works in
/// the arena's planned scratch, and the outputs come back as views into it. Counted over whole
/// runs on every path and precision of MiniLM, serially and split over two workers on the calling
/// thread (the counter counts the calling thread's allocations).
@Suite(.serialized) struct SessionAllocationTests {
    #if DEBUG
    static let optimized = false
    #else
    static let optimized = true
    #endif

    @Test(.enabled(if: optimized && qv_allocation_counting_works() != 0, "debug builds box unspecialized SIMD values"),
          arguments: [Precision.fp32, .w8a8, .w2a2, .w1a1])
    func runAllocatesNothingAfterTheFirst(_ precision: Precision) throws {
        try CompiledMiniLM.withModel(try CompiledMiniLM.image(precision)) { model in
            let ids = try model.tokenizer().encode("The committee met on Tuesday to discuss the budget, and the members agreed.")
            let mask = [Int32](repeating: 1, count: ids.count)
            let twoOnOneThread = ParallelFor(workers: 2) { tasks, body in for task in (0..<tasks).reversed() { body(task) } }
            try ids.withUnsafeBufferPointer { idBuffer in
                try mask.withUnsafeBufferPointer { maskBuffer in
                    let inputs = [ModelInput(name: "input_ids", data: .int32s(idBuffer)),
                                  ModelInput(name: "attention_mask", data: .int32s(maskBuffer))]
                    for path in KernelPath.supported {
                        for parallel in [ParallelFor.serial, twoOnOneThread] {
                            let session = try InferenceSession(model: model, path: path, parallel: parallel)
                            let first = try session.run(inputs: inputs).floats(role: .embedding).map(Array.init)
                            var failure: String?, changed = false
                            qv_allocation_counting_begin()
                            for _ in 0..<3 {
                                do throws(RuntimeError) {
                                    let outputs = try session.run(inputs: inputs)
                                    changed = changed || outputs.floats(role: .embedding)?.first != first?.first
                                } catch { failure = error.description }
                            }
                            let count = qv_allocation_counting_end()
                            #expect(failure == nil)
                            #expect(!changed, "a later run gave another embedding")
                            #expect(count == 0, "\(precision) \(path) \(parallel.workers) workers: three runs allocated \(count) times")
                        }
                    }
                }
            }
        }
    }
}
