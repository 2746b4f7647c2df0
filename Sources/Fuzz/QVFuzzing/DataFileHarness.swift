import QVTrainer

/// The trainer's labelled-text files: a fuzz input is read as JSON when it opens with `{` or `[`,
/// as TSV when its first line holds a tab, else as CSV; its labels numbered and the rows split into train, validation and test, as
/// `qvc finetune` and `qvc split` read theirs.
public enum DataFileHarness: FuzzHarness {
    public static let name = "data"

    public static func run(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome {
        let firstLine = bytes.prefix { $0 != UInt8(ascii: "\n") }
        let format: TextFileFormat = [UInt8(ascii: "{"), UInt8(ascii: "[")].contains(bytes.first { $0 > 32 } ?? 0) ? .json
            : firstLine.contains(UInt8(ascii: "\t")) ? .tsv : .csv
        do {
            let file = try LabelledFile(bytes: Array(bytes), path: "fuzz.\(format.rawValue)", format: format)
            let texts = try LabelledTexts(file)
            let split = try DataSplit(texts, seed: 1)
            guard split.train.count + split.validation.count + split.test.count + split.duplicateRows <= file.rows.count else {
                fatalError("split \(file.rows.count) rows into more")
            }
        } catch { return .refused(error.message) }
        return .ran(refusedRuns: 0)
    }
}
