import Foundation
import QVCommandLine
import QVTrainer

/// `qvc split --data FILE -o DIR [--test F] [--seed N] [--text-column C] [--label-column L] [--json]`:
/// holds out a test part by unique text (`DataSplit`: duplicates kept once with their majority
/// label, seeded shuffle) and writes `DIR/train.csv` and `DIR/test.csv` (UTF-8, columns `text`
/// and `sentiment`): the README's documented split, fine-tuned on the first and evaluated on
/// the second.
func splitCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["--data", "-o", "--test", "--seed", "--text-column", "--label-column"], switches: ["--json"])
    guard let path = args.value("--data") else { throw .usage("split needs --data FILE") }
    guard let folder = args.value("-o") else { throw .usage("split needs -o DIR (it writes DIR/train.csv and DIR/test.csv)") }
    let testText = args.value("--test") ?? "0.1"
    guard let test = Double(testText), test > 0, test < 1 else { throw .usage("--test takes a fraction between 0 and 1, got '\(testText)'") }
    let seed = UInt64(try args.int("--seed", default: 0, in: 0...Int(Int32.max)))
    let split: DataSplit
    do {
        let file = try LabelledFile(path: path, textColumn: args.value("--text-column") ?? "text", labelColumn: args.value("--label-column") ?? "sentiment")
        split = try DataSplit(try LabelledTexts(file), seed: seed, validation: 0, test: test)
    } catch { throw CommandLineError(error.message) }
    do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
        throw CommandLineError("cannot create \(folder): \(error.localizedDescription)")
    }
    for part in ["train", "test"] { try AtomicFile.refuseOverwriting([path], with: "\(folder)/\(part).csv") }
    try AtomicFile.write(Array(split.train.csv().utf8), to: folder + "/train.csv")
    try AtomicFile.write(Array(split.test.csv().utf8), to: folder + "/test.csv")
    if args.has("--json") {
        print(JSONValue.object([("train", .int(split.train.count)), ("test", .int(split.test.count)), ("duplicate_rows", .int(split.duplicateRows)),
                                ("conflicting_texts", .int(split.conflictingTexts)), ("seed", .int(Int(seed)))]).rendered)
    } else {
        print("wrote \(folder)/train.csv (\(split.train.count) unique texts) and \(folder)/test.csv (\(split.test.count)); "
              + "\(split.duplicateRows) duplicate rows dropped, \(split.conflictingTexts) texts with conflicting labels kept once by majority")
    }
}
