import Foundation
import QVCommandLine
import QVTrainer

/// `qvc eval MODEL.qvb --data FILE [--text-column C] [--label-column L] [--threads N] [--json]`:
/// runs the classifier on every text of a labelled file (its labels mapped onto the model's)
/// and prints accuracy, macro-F1 and the confusion matrix.
func evalCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["--data", "--text-column", "--label-column", "--threads"], switches: ["--json"])
    guard args.positional.count == 1 else { throw .usage("eval takes one model (.qvb or .ckpt), got \(args.positional.count)") }
    guard let dataPath = args.value("--data") else { throw .usage("eval needs --data FILE (CSV, TSV or JSONL with a text and a label column)") }
    let modelPath = args.positional[0]
    let classifier = try openClassifier(modelPath, threads: try args.int("--threads", default: 1, in: 1...256))
    let file: LabelledFile, data: LabelledTexts
    do throws(DataError) {
        file = try LabelledFile(path: dataPath, textColumn: args.value("--text-column") ?? "text",
                                labelColumn: args.value("--label-column") ?? "sentiment")
        data = try LabelledTexts(file, labelNames: classifier.labelNames)
    } catch {
        throw CommandLineError(error.message)
    }
    let progress = ProgressLine(program: "qvc")
    let began = monotonicMilliseconds()
    var predicted: [Int] = []
    predicted.reserveCapacity(data.count)
    for start in stride(from: 0, to: data.count, by: 64) {
        let seconds = (monotonicMilliseconds() - began) / 1000
        let rate = seconds > 0 ? Double(predicted.count) / seconds : 0
        progress.update("eval \(predicted.count)/\(data.count) texts" + (rate > 0 ? String(format: ", %.0f texts/s, %.0f s left", rate, Double(data.count - predicted.count) / rate) : ""))
        do throws(CommandLineError) {
            predicted += try classifier.logits(Array(data.texts[start..<min(start + 64, data.count)])).map(Evaluation.argmax)
        } catch {
            progress.finish()
            throw error
        }
    }
    progress.finish()
    let seconds = (monotonicMilliseconds() - began) / 1000
    let metrics = ClassificationMetrics(labelNames: data.labelNames, truth: data.labels, predicted: predicted)
    if args.has("--json") {
        let head: [(String, JSONValue)] = [("model", .string(modelPath)), ("data", .string(dataPath)), ("encoding", .string(file.encoding.rawValue)),
                                           ("skipped_empty_texts", .int(file.emptyTextLines.count))]
        print(JSONValue.object(head + metricsJSON(metrics) + [("seconds", .double(seconds))]).rendered)
    } else {
        let empty = file.emptyTextLines.count
        let skipped = empty == 0 ? "" : ", \(empty) empty text\(empty == 1 ? "" : "s") skipped"
        print("\(modelPath) on \(dataPath) (\(data.count) texts, \(file.encoding.rawValue)\(skipped)) in \(String(format: "%.1f", seconds)) s")
        print(metricsTable(metrics))
    }
}
