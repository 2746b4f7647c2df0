import QVHost
import QVKernels
import QVRuntime

/// What a `qv_session *` points to: the inference session over its model's arena (on the
/// kernels `QV_ISA` names, or the fastest), the thread pool it runs on, and what the last run
/// gave (each output's values, the token ids) or why it failed.
final class SessionHandle {
    let model: ModelHandle
    let session: InferenceSession
    let pool: ThreadPool
    /// Each output of the last run (nil for packed codes, which the C API does not return).
    var outputs: [CArray<Float>?] = []
    var ids = CArray<Int32>([])
    var error = CArray<CChar>([0])

    init(model: ModelHandle, threads: Int, memoryBudget: Int) throws(APIError) {
        guard threads >= 1, threads <= 256 else { throw APIError(.argument, "threads must be 1 to 256, got \(threads)") }
        let path: KernelPath
        do throws(CommandLineError) { path = try selectedKernelPath() } catch { throw APIError(.argument, error.message) }
        let pool: ThreadPool
        do throws(CommandLineError) { pool = try ThreadPool(threads: threads) } catch { throw APIError(.memory, error.message) }
        do throws(RuntimeError) {
            session = try InferenceSession(model: model.model, path: path, parallel: pool.parallelFor, memoryBudget: memoryBudget)
        } catch {
            throw APIError(error)
        }
        self.model = model
        self.pool = pool
    }

    /// Runs `inputs`, keeping each output's values; on failure keeps no outputs.
    func run(_ inputs: [ModelInput], ids: [Int32]) throws(APIError) {
        outputs = []
        self.ids = CArray([])
        let result: ModelOutputs
        do throws(RuntimeError) { result = try session.run(inputs: inputs) } catch { throw APIError(error) }
        outputs = model.model.outputs.map { port in result.copy(port.name).map { CArray($0) } }
        self.ids = CArray(ids)
    }

    /// Records the result of a call: its message as the last error (empty on success), its code.
    func record(_ body: () throws(APIError) -> Void) -> Int32 {
        do throws(APIError) {
            try body()
            error = CArray([0])
            return APIError.Status.ok.rawValue
        } catch {
            self.error = CArray(cString: error.message)
            return error.status.rawValue
        }
    }
}

/// Elements handed to C callers: memory of its own whose address stays put until the array is
/// replaced or freed (an Array's storage is not promised to outlive an access to it).
final class CArray<Element> {
    private let buffer: UnsafeMutableBufferPointer<Element>
    /// How many elements the caller may read.
    let count: Int

    init(_ elements: [Element]) {
        buffer = .allocate(capacity: max(elements.count, 1))
        _ = buffer.initialize(from: elements)
        count = elements.count
    }

    /// Their address.
    var address: UnsafePointer<Element> { UnsafePointer(buffer.baseAddress!) }

    deinit {
        buffer.baseAddress!.deinitialize(count: count)
        buffer.deallocate()
    }
}
