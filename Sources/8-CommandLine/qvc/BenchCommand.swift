import QVCommandLine
import QVKernels
import QVRuntime
import QVText

/// `qvc bench FILE.qvb [--seq N] [--threads N] [--runs N] [--json]`: median latency of whole
/// inferences (`run(inputs:)`, outputs left in the arena) on a fixed sequence of exactly N tokens
/// of a text model, or on zeros of every input's shape for a model without token ids; batch 1.
/// With `--kernels`, the GEMM kernel benchmark instead (`kernelBenchCommand`).
func benchCommand(_ words: [String]) throws(CommandLineError) {
    if words.contains("--kernels") { return try kernelBenchCommand(words) }
    if words.contains("--train") { return try trainBenchCommand(words) }
    let args = try Arguments(words, valued: ["--seq", "--threads", "--runs", "--warmup", "--max-memory"], switches: ["--json"])
    guard args.positional.count == 1 else { throw .usage("bench takes one .qvb file") }
    let loaded = try LoadedModel(path: args.positional[0])
    let model = loaded.model
    let seq = model.maxTokens >= 2 ? try args.int("--seq", default: min(128, model.maxTokens), in: 2...model.maxTokens) : 0
    let threads = try args.int("--threads", default: 1, in: 1...256)
    let runs = try args.int("--runs", default: 50, in: 1...100_000)
    let warmup = try args.int("--warmup", default: 5, in: 0...10_000)
    let inputs = try BenchInputs(model, tokens: seq, file: args.positional[0])
    defer { inputs.deallocate() }

    let pool = try ThreadPool(threads: threads)
    let session = try loaded.session(parallel: pool.parallelFor, memoryBudget: try args.memoryBudget())
    var samples: [Double] = []
    for i in 0..<(warmup + runs) {
        let t0 = monotonicMilliseconds()
        do throws(RuntimeError) { _ = try session.run(inputs: inputs.inputs) } catch { throw CommandLineError(error.message) }
        if i >= warmup { samples.append(monotonicMilliseconds() - t0) }
    }
    let s = LatencySummary(samples)
    let precision = loaded.file.model.precision
    if args.has("--json") {
        print(JSONValue.object([("file", .string(args.positional[0])), ("precision", .string(precision)),
                                ("seq", .int(seq)), ("threads", .int(threads)), ("runs", .int(runs)),
                                ("median_ms", .double(s.median)), ("p10_ms", .double(s.p10)), ("p90_ms", .double(s.p90)),
                                ("isa", .string(session.path.rawValue)), ("cpu_features", .array(cpuFeatureNames.map { .string($0) })),
                                ("arena_bytes", .int(session.arenaBytes))]).rendered)
    } else {
        print("\(args.positional[0]) (\(precision), \(session.path.rawValue) kernels): seq \(seq), \(threads) thread\(threads == 1 ? "" : "s"), \(runs) runs: median \(formatMilliseconds(s.median)) ms (p10 \(formatMilliseconds(s.p10)), p90 \(formatMilliseconds(s.p90)))")
    }
}

/// What a benchmarked inference runs on, in buffers that outlive the runs: for a text model,
/// `tokens` ids of filler text (`[CLS] … [SEP]`); every other input zeros of its declared shape
/// (token types and mask take their defaults).
private struct BenchInputs {
    /// The inputs, viewing `buffers`.
    private(set) var inputs: [ModelInput] = []
    private var buffers: [UnsafeMutableRawBufferPointer] = []

    init(_ model: QVModel, tokens: Int, file: String) throws(CommandLineError) {
        if let port = model.input(role: .tokenIds) {
            let tokenizer: WordPieceTokenizer
            do throws(RuntimeError) { tokenizer = try model.tokenizer() } catch { throw CommandLineError("'\(file)': \(error.message)") }
            let filler = tokenizer.encode("the quick brown fox jumps over the lazy dog")
            let body = Array(filler.dropFirst().dropLast())
            var ids = [filler.first!]
            while ids.count < tokens - 1 { ids.append(body[(ids.count - 1) % body.count]) }
            ids.append(filler.last!)
            let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: ids.count)
            _ = buffer.initialize(from: ids)
            buffers.append(UnsafeMutableRawBufferPointer(buffer))
            inputs.append(ModelInput(name: port.name, data: .int32s(UnsafeBufferPointer(buffer))))
        }
        for port in model.inputs where port.elements == .floats {
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, port.count(tokens: tokens)))
            buffer.initialize(repeating: 0)
            buffers.append(UnsafeMutableRawBufferPointer(buffer))
            inputs.append(ModelInput(name: port.name, data: .floats(UnsafeBufferPointer(rebasing: buffer[0..<port.count(tokens: tokens)]))))
        }
    }

    /// Frees the buffers.
    func deallocate() { buffers.forEach { $0.deallocate() } }
}
