import Foundation
@testable import QVTrainer

/// Small labelled-text files written by the data tests.
enum DataFiles {
    /// Writes `bytes` to a fresh temporary file named `name` and returns its path.
    static func write(_ bytes: [UInt8], named name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qv-data-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` (UTF-8) to a fresh temporary file named `name` and returns its path.
    static func write(_ text: String, named name: String) throws -> String { try write(Array(text.utf8), named: name) }

    /// `text` read as a file of `format` with columns `text` and `label`.
    static func read(_ text: String, _ format: TextFileFormat = .csv, path: String = "t.csv") throws(DataError) -> LabelledFile {
        try LabelledFile(bytes: Array(text.utf8), path: path, format: format, textColumn: "text", labelColumn: "label")
    }

    /// The error reading `text` as `format` gives, or nil when it reads.
    static func error(_ text: String, _ format: TextFileFormat = .csv, path: String = "t.csv") -> DataError? {
        do { _ = try read(text, format, path: path); return nil } catch { return error }
    }
}
