import QVCommandLine
import QVKernels
import QVRuntime
import QVText

/// `qvc bench FILE.qvb [--seq N] [--threads N] [--runs N] [--json]`: median latency of whole
/// inferences on a fixed sequence of exactly N tokens, batch 1. With `--kernels`, the GEMM
/// kernel benchmark instead (`kernelBenchCommand`).
func benchCommand(_ words: [String]) throws(CommandLineError) {
    if words.contains("--kernels") { return try kernelBenchCommand(words) }
    let args = try Arguments(words, valued: ["--seq", "--threads", "--runs", "--warmup"], switches: ["--json"])
    guard args.positional.count == 1 else { throw .usage("bench takes one .qvb file") }
    let loaded = try LoadedModel(path: args.positional[0])
    let model = loaded.model
    let seq = try args.int("--seq", default: min(128, model.maxTokens), in: 2...model.maxTokens)
    let threads = try args.int("--threads", default: 1, in: 1...256)
    let runs = try args.int("--runs", default: 50, in: 1...100_000)
    let warmup = try args.int("--warmup", default: 5, in: 0...10_000)

    let tokenizer: WordPieceTokenizer
    do throws(RuntimeError) { tokenizer = try model.tokenizer() } catch { throw CommandLineError("'\(args.positional[0])': \(error.message)") }
    let filler = tokenizer.encode("the quick brown fox jumps over the lazy dog")
    let body = Array(filler.dropFirst().dropLast())
    var ids = [filler.first!]
    while ids.count < seq - 1 { ids.append(body[(ids.count - 1) % body.count]) }
    ids.append(filler.last!)

    let pool = try ThreadPool(threads: threads)
    let session = InferenceSession(model: model, path: try selectedKernelPath(), parallel: pool.parallelFor)
    var samples: [Double] = []
    for i in 0..<(warmup + runs) {
        let t0 = monotonicMilliseconds()
        do throws(RuntimeError) { _ = try session.run(ids: ids) } catch { throw CommandLineError(error.message) }
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
