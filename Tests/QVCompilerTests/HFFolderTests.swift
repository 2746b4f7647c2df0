import Foundation
import Testing
@testable import QVCompiler

/// The Hugging Face folder around the weights: vocabulary and config.json edge cases.
@Suite struct HFFolderTests {
    @Test(arguments: ["\r\n", "\r"])
    func vocabularyWithWindowsOrOldMacLineEndsReadsAsWithLF(_ lineEnd: String) throws {
        let folder = try TinyBert.folder(.init())
        try (TinyBert.vocab.joined(separator: lineEnd) + lineEnd).write(toFile: folder + "/vocab.txt", atomically: true, encoding: .utf8)
        let checkpoint = try BertCheckpoint(huggingFaceFolder: folder)
        #expect(checkpoint.tokenizer.vocab == TinyBert.vocab)
    }

    @Test func fractionalSizeInConfigIsRefusedNotTruncated() throws {
        let folder = try TinyBert.folder(.init())
        let config = try String(contentsOfFile: folder + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: #""hidden_size":4"#, with: #""hidden_size":4.5"#)
            .write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        #expect(message { _ = try BertCheckpoint(huggingFaceFolder: folder) }
                == "\(folder)/config.json: 'hidden_size' must be a positive integer")
        // A whole number written with a decimal point is still that number.
        try config.replacingOccurrences(of: #""hidden_size":4"#, with: #""hidden_size":4.0"#)
            .write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        #expect(try BertCheckpoint(huggingFaceFolder: folder).config.hidden == 4)
    }
}
