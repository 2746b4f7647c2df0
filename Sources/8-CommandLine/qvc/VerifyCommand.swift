import QVCommandLine
import QVTrainer

/// `qvc verify MODEL.ckpt MODEL.qvb --data FILE [--text-column C] [--label-column L] [--threads N] [--json]`:
/// the trainer's forward on the checkpoint and the runtime on the compiled file, text by text:
/// identical predictions, bit-identical logits, the largest logit difference. A quantized
/// checkpoint runs its deployed forward (integer codes, the runtime's arithmetic), so its logits
/// must agree to the bit; an FP32 one runs the training forward (sgemm's summation order), so
/// only its predictions must. Exits non-zero on any disagreement.
func verifyCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["--data", "--text-column", "--label-column", "--threads"], switches: ["--json"])
    guard args.positional.count == 2, args.positional[0].hasSuffix(".ckpt"), args.positional[1].hasSuffix(".qvb") else {
        throw .usage("verify takes MODEL.ckpt MODEL.qvb")
    }
    guard let dataPath = args.value("--data") else { throw .usage("verify needs --data FILE") }
    let threads = try args.int("--threads", default: 1, in: 1...256)
    let trained = try TrainedClassifier(path: args.positional[0], threads: threads), compiled = try openClassifier(args.positional[1], threads: threads)
    guard trained.labelNames == compiled.labelNames else {
        throw CommandLineError("the checkpoint's labels \(trained.labelNames) differ from the compiled model's \(compiled.labelNames); compile this checkpoint")
    }
    let texts: [String]
    do throws(DataError) {
        texts = try LabelledTexts(try LabelledFile(path: dataPath, textColumn: args.value("--text-column") ?? "text",
                                                   labelColumn: args.value("--label-column") ?? "sentiment"), labelNames: trained.labelNames).texts
    } catch { throw CommandLineError(error.message) }
    let progress = ProgressLine(program: "qvc")
    var same = 0, exact = 0, maxDifference: Float = 0, firstDisagreement: Int?, firstInexact: Int?
    for start in stride(from: 0, to: texts.count, by: 256) {
        progress.update("verify \(start)/\(texts.count) texts")
        let chunk = Array(texts[start..<min(start + 256, texts.count)])
        for (n, (a, b)) in zip(try trained.logits(chunk), try compiled.logits(chunk)).enumerated() {
            for (x, y) in zip(a, b) { maxDifference = max(maxDifference, abs(x - y)) }
            if Evaluation.argmax(a) == Evaluation.argmax(b) { same += 1 } else if firstDisagreement == nil { firstDisagreement = start + n }
            if a == b { exact += 1 } else if firstInexact == nil { firstInexact = start + n }
        }
    }
    progress.finish()
    let share = texts.isEmpty ? 1 : Double(same) / Double(texts.count)
    if args.has("--json") {
        print(JSONValue.object([("texts", .int(texts.count)), ("identical_predictions", .int(same)), ("share", .double(share)),
                                ("identical_logits", .int(exact)), ("integer_forward", .bool(trained.isDeployed)), ("max_logit_difference", .float(maxDifference))]).rendered)
    } else {
        print("\(args.positional[0]) vs \(args.positional[1]) on \(texts.count) texts: \(same) identical predictions "
              + "(\(String(format: "%.4f", share * 100)) %), \(exact) bit-identical logits, largest logit difference \(maxDifference)")
    }
    if let i = firstDisagreement {
        throw CommandLineError("\(texts.count - same) of \(texts.count) predictions differ (first: text \(i + 1) of \(dataPath)); the .qvb is not the trained network")
    }
    if trained.isDeployed, let i = firstInexact {
        throw CommandLineError("\(texts.count - exact) of \(texts.count) logit vectors differ from the integer forward (first: text \(i + 1) of \(dataPath)); the .qvb is not the trained network")
    }
}
