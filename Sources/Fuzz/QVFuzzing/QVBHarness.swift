import QVFormat
import QVRuntime
import QVText

/// What a fuzz input did.
public enum FuzzOutcome: Equatable, Sendable {
    /// Refused while loading, with a message (the wanted end of a hostile file).
    case refused(String)
    /// Loaded and ran; `refusedRuns` of the probe inputs were refused (empty text, ids out of range…).
    case ran(refusedRuns: Int)
}

/// The `.qvb` harness: what `qvrun` does with a file — verify, bind and validate the graph, plan
/// the arena — then inference on token sequences of 1, 2 and the most tokens the model takes, on
/// texts (through its tokenizer) and on ids out of range, or on zeros for a model without token ids.
public enum QVBHarness: FuzzHarness {
    public static let name = "qvb"

    /// The memory a fuzzed model may plan (the runtime's budget check, not the machine's limit).
    public static let memoryBudget = 1 << 30

    /// Runs the file in `bytes` (copied to 64-byte aligned memory first, as `qvrun`'s mapping is).
    public static func run(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome {
        let aligned = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        defer { aligned.deallocate() }
        aligned.copyMemory(from: bytes)
        do {
            let file = try QVBFile(bytes: UnsafeRawBufferPointer(rebasing: aligned[0..<bytes.count]))
            return try run(QVModel(file: file))
        } catch let e as QVBError { return .refused(e.message) } catch let e as RuntimeError { return .refused(e.message) } catch {
            return .refused("\(error)")
        }
    }

    private static func run(_ model: QVModel) throws(RuntimeError) -> FuzzOutcome {
        let session = try InferenceSession(model: model, memoryBudget: memoryBudget)
        var refusedRuns = 0
        func attempt(_ body: () throws(RuntimeError) -> Void) {
            do { try body() } catch { refusedRuns += 1 }
        }
        if model.input(role: .tokenIds) != nil {
            let tokenizer = try model.tokenizer()
            for text in ["", "a", "The quick brown fox jumps over the lazy dog.", String(repeating: "word ", count: 600)] {
                attempt { () throws(RuntimeError) in _ = try session.run(text: text, tokenizer: tokenizer) }
            }
            let n = max(model.maxTokens, 1)
            for ids in [[Int32(0)], [0, 1], (0..<n).map { Int32($0 % 7) }, [Int32.max, -1]] {
                attempt { () throws(RuntimeError) in _ = try session.run(ids: ids) }
            }
        } else {
            let tokens = max(min(model.maxTokens, 3), 1)
            let zeros = [Float](repeating: 0, count: model.inputs.map { $0.count(tokens: tokens) }.max() ?? 0)
            let ints = [Int32](repeating: 0, count: tokens)
            attempt { () throws(RuntimeError) in
                try zeros.withUnsafeBufferPointer { f throws(RuntimeError) in
                    try ints.withUnsafeBufferPointer { i throws(RuntimeError) in
                        let inputs = model.inputs.map { port in
                            ModelInput(name: port.name, data: port.elements == .floats
                                ? .floats(UnsafeBufferPointer(rebasing: f[0..<port.count(tokens: tokens)])) : .int32s(i))
                        }
                        _ = try session.run(inputs: inputs)
                    }
                }
            }
        }
        return .ran(refusedRuns: refusedRuns)
    }
}
