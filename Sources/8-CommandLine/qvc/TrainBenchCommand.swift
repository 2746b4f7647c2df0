import QVCommandLine
import QVCompiler
import QVTrainer

/// `qvc bench --train MODEL_DIR [--bits B] [--batch N] [--seq N] [--threads N] [--steps N] [--json]`:
/// median time of one fine-tuning step (forward, backward, AdamW) on synthetic batches of exactly
/// `seq` tokens; quantized bits distil from an FP32 copy of the model (KD in the step's cost).
/// `tools/train_bench.py` runs it beside PyTorch's step on the same model and shapes.
func trainBenchCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words.filter { $0 != "--train" }, valued: ["--bits", "--batch", "--seq", "--threads", "--steps"], switches: ["--json"])
    guard args.positional.count == 1 else { throw .usage("bench --train takes one Hugging Face BERT folder") }
    let bits = args.value("--bits") ?? "fp32"
    guard Recipe.precisions.contains(bits) else { throw .usage("--bits \(bits) is not one of \(Recipe.precisions.joined(separator: ", "))") }
    let encoder: BertCheckpoint
    do { encoder = try BertCheckpoint(huggingFaceFolder: args.positional[0]) } catch { throw CommandLineError(error.message) }
    let batch = try args.int("--batch", default: 32, in: 1...4096)
    let seq = try args.int("--seq", default: 64, in: 3...encoder.config.maxPositions)
    let steps = try args.int("--steps", default: 10, in: 1...100_000), warmup = 2
    var options = TrainingOptions()
    (options.batchSize, options.threads, options.epochs, options.maxSteps, options.saveEvery) =
        (batch, try args.int("--threads", default: 2, in: 1...256), 1, steps + warmup, Int(Int32.max))
    var rng = SplitMix64(seed: 5)
    let vocab = UInt64(encoder.config.vocabSize - 1000)
    let examples = (0..<(batch * (steps + warmup))).map { i in
        TrainingExample(ids: [Int32(encoder.tokenizer.clsId)] + (0..<(seq - 2)).map { _ in Int32(1000 + rng.next() % vocab) } + [Int32(encoder.tokenizer.sepId)],
                        label: i % 2)
    }
    let labels = ["a", "b"]
    let teacher = bits == "fp32" ? nil : BertClassifier(encoder, head: nil, labels: labels, recipe: .defaults(bits: "fp32"), seed: 1)
    let model = BertClassifier(encoder, head: nil, labels: labels, recipe: .defaults(bits: bits, hasTeacher: teacher != nil), seed: 1)
    let tuner = FineTuner(model: model, teacher: teacher, options: options, train: examples, validation: [])
    var times: [Double] = [], last = monotonicMilliseconds()
    tuner.run { event in
        guard case .step(let s) = event else { return }
        let now = monotonicMilliseconds()
        if s.step > warmup { times.append(now - last) }
        last = now
    }
    let median = LatencySummary(times).median
    if args.has("--json") {
        print(JSONValue.object([("model", .string(args.positional[0])), ("bits", .string(bits)), ("batch", .int(batch)), ("seq", .int(seq)),
                                ("threads", .int(options.threads)), ("steps", .int(steps)), ("median_step_ms", .double(median))]).rendered)
    } else {
        print("qv \(bits) fine-tuning step: batch \(batch) × \(seq) tokens, \(options.threads) threads: median \(formatMilliseconds(median)) ms over \(steps) steps")
    }
}
