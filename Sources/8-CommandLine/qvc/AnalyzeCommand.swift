import Foundation
import QVCommandLine
import QVText
import QVTrainer

/// `qvc analyze MODEL.ckpt --data FILE [--bits w2a2] [--limit N] [--text-column C] [--label-column L]
/// [--threads N] [--json]`: per-module sensitivity of a trained FP32 classifier — its accuracy on
/// the first `--limit` texts of the file (default 1000; 0 = all) with only one kind of module
/// quantized at `--bits` (post-training, quantizers set from the file's first 32 texts), each
/// kind in every layer, each layer whole, the 8-bit embeddings and head, and everything.
func analyzeCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["--data", "--bits", "--limit", "--text-column", "--label-column", "--threads"], switches: ["--json"])
    guard args.positional.count == 1, args.positional[0].hasSuffix(".ckpt") else { throw .usage("analyze takes one FP32 MODEL.ckpt written by qvc finetune") }
    guard let dataPath = args.value("--data") else { throw .usage("analyze needs --data FILE (CSV, TSV or JSONL with a text and a label column)") }
    let bits = args.value("--bits") ?? "w2a2"
    guard bits != "fp32", Recipe.precisions.contains(bits) else {
        throw .usage("--bits \(bits): give the quantized precision to study, one of \(Recipe.precisions.dropFirst().joined(separator: ", "))")
    }
    let limit = try args.int("--limit", default: 1000, in: 0...10_000_000)
    let start = try StartingModel(args.positional[0])
    guard let trained = start.trainedFloat else { throw CommandLineError("\(args.positional[0]) is not an FP32 checkpoint; analyze the FP32 model you fine-tuned (qvc finetune --bits fp32)") }
    FineTuner.useThreads(try args.int("--threads", default: 1, in: 1...256))
    let data: LabelledTexts
    do throws(DataError) {
        data = try LabelledTexts(try LabelledFile(path: dataPath, textColumn: args.value("--text-column") ?? "text",
                                                  labelColumn: args.value("--label-column") ?? "sentiment"), labelNames: trained.labels)
    } catch { throw CommandLineError(error.message) }
    let tokenizer = WordPieceTokenizer(trained.tokenizer)
    let count = limit == 0 ? data.count : min(limit, data.count)
    let examples = (0..<count).map { TrainingExample(ids: tokenizer.encode(data.texts[$0]), label: data.labels[$0]) }
    let quantized = try start.classifier(labels: trained.labels, recipe: .defaults(bits: bits, plain: true), maxLength: trained.tokenizer.maxLength, seed: 0)
    let progress = ProgressLine(program: "qvc")
    var done = 0
    let rows = Sensitivity.measure(quantized, examples: examples, calibration: Array(examples.prefix(32))) { row in
        done += 1
        progress.update("analyze: \(done) configurations measured (last: \(row.module), accuracy \(String(format: "%.2f", row.accuracy * 100)) %)")
    }
    progress.finish()
    let reference = rows.first?.accuracy ?? 0
    if args.has("--json") {
        let list = rows.map { JSONValue.object([("quantized", .string($0.module)), ("points", .int($0.points)), ("accuracy", .double($0.accuracy)),
                                                ("drop", .double(reference - $0.accuracy))]) }
        print(JSONValue.object([("model", .string(args.positional[0])), ("data", .string(dataPath)), ("texts", .int(count)), ("bits", .string(bits)),
                                ("rows", .array(list))]).rendered)
    } else {
        print("\(args.positional[0]) on \(count) texts of \(dataPath): accuracy with only these modules at \(bits) (post-training)")
        for r in rows {
            let drop = String(format: "%+.2f", (r.accuracy - reference) * 100)
            print("  \(r.module.padding(toLength: 48, withPad: " ", startingAt: 0)) \(String(format: "%6.2f", r.accuracy * 100)) %  \(drop)")
        }
    }
}
