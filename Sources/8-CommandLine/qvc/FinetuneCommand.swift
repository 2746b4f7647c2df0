import Foundation
import QVCommandLine
import QVCompiler
import QVText
import QVTrainer

/// `qvc finetune --model DIR_OR_CKPT --data FILE --bits … [--teacher CKPT] [--epochs N] [--batch N]
/// [--lr X] [--max-length N] [--threads N] [--seed N] [--resume] [--json] -o OUT.ckpt`
func finetuneCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["--model", "--data", "--bits", "--teacher", "--epochs", "--batch", "--lr", "--max-length",
                                             "--threads", "--seed", "--text-column", "--label-column", "--max-steps", "--save-every",
                                             "--recipe", "-o"],
                             switches: ["--resume", "--json"])
    guard args.positional.isEmpty else { throw .usage("finetune takes no positional arguments, got '\(args.positional[0])'") }
    guard let modelPath = args.value("--model") else { throw .usage("finetune needs --model DIR_OR_CKPT (a Hugging Face BERT folder or a .ckpt)") }
    guard let dataPath = args.value("--data") else { throw .usage("finetune needs --data FILE (CSV, TSV or JSONL with text and label columns)") }
    guard let output = args.value("-o") else { throw .usage("finetune needs -o OUT.ckpt") }
    let bits = args.value("--bits") ?? "fp32"
    guard Recipe.precisions.contains(bits) else { throw .usage("--bits \(bits) is not one of \(Recipe.precisions.joined(separator: ", "))") }
    try refuseOverwritingInputs(output, [modelPath, dataPath, args.value("--teacher")].compactMap { $0 })

    let plain = args.value("--recipe") == "lsq"
    var options = TrainingOptions()
    options.epochs = try args.int("--epochs", default: Recipe.defaultEpochs(bits: bits, plain: plain) ?? options.epochs, in: 1...1000)
    options.batchSize = try args.int("--batch", default: options.batchSize, in: 1...4096)
    options.maxLength = try args.int("--max-length", default: options.maxLength, in: 3...65536)
    options.threads = try args.int("--threads", default: options.threads, in: 1...256)
    options.seed = UInt64(try args.int("--seed", default: Int(options.seed), in: 0...Int(Int32.max)))
    options.maxSteps = try args.int("--max-steps", default: 0, in: 0...Int(Int32.max))
    options.saveEvery = try args.int("--save-every", default: options.saveEvery, in: 1...Int(Int32.max))
    if let lr = args.value("--lr") {
        guard let v = Float(lr), v > 0, v.isFinite else { throw .usage("--lr takes a positive number, got '\(lr)'") }
        options.learningRate = v
    }

    let progress = ProgressLine(program: "qvc")
    progress.update("reading \(modelPath)")
    let start = try StartingModel(modelPath)
    let teacher = try args.value("--teacher").map { p throws(CommandLineError) in try StartingModel(p).trained(orThrow: "--teacher") }
        ?? (bits != "fp32" ? start.trainedFloat : nil)
    progress.update("reading \(dataPath)")
    let data = try TrainingData(path: dataPath, textColumn: args.value("--text-column") ?? "text",
                                labelColumn: args.value("--label-column") ?? "sentiment", seed: options.seed)
    var recipe = Recipe.defaults(bits: bits, plain: plain, hasTeacher: teacher != nil)
    if let r = args.value("--recipe") {
        do throws(TrainerError) { try recipe.apply(r) } catch { throw .usage(error.message) }
    }
    if args.value("--lr") == nil, let rate = Recipe.defaultLearningRate(bits: bits, plain: plain) {
        options.learningRate = rate
    }

    let model = try start.classifier(labels: data.labelNames, recipe: recipe, maxLength: options.maxLength, seed: options.seed)
    let tokenizer = WordPieceTokenizer(model.tokenizer)
    progress.update("tokenizing \(data.train.count + data.validation.count) texts")
    let train = data.examples(data.train, tokenizer), validation = data.examples(data.validation, tokenizer)

    var state: TrainingState?
    let statePath = CheckpointFile.statePath(for: output)
    if args.has("--resume") {
        guard FileManager.default.fileExists(atPath: statePath) else {
            throw CommandLineError("--resume: no run state at \(statePath); start without --resume")
        }
        do { state = try FineTuner.restore(try CheckpointFile(path: statePath), into: model) } catch let e as TrainerError {
            throw CommandLineError(e.message)
        } catch { throw CommandLineError("\(error)") }
    }
    let tuner = FineTuner(model: model, teacher: teacher, options: options, train: train, validation: validation, state: state)
    let reporter = FinetuneReporter(json: args.has("--json"), progress: progress, totalSteps: tuner.totalSteps, data: data, bits: bits)
    try reporter.start(tuner)
    do {
        try tuner.run { event throws(CommandLineError) in
            switch event {
            case .step(let s): reporter.step(s)
            case .epoch(let e):
                reporter.epoch(e)
                if e.improved { try AtomicFile.write(model.checkpoint(options: options).serialized(), to: output) }
            case .save: try AtomicFile.write(tuner.stateFile().serialized(), to: statePath)
            }
        }
    } catch let e as CommandLineError { throw e } catch { throw CommandLineError("\(error)") }
    progress.finish()
    reporter.finish(tuner, output: output)
}

/// Refuses an output path that names one of the inputs (it would be overwritten).
func refuseOverwritingInputs(_ output: String, _ inputs: [String]) throws(CommandLineError) {
    let out = URL(fileURLWithPath: output).standardizedFileURL.resolvingSymlinksInPath().path
    for input in inputs where URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path == out {
        throw CommandLineError("-o \(output) names an input; write the checkpoint to a new file")
    }
}
