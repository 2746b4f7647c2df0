import Foundation
import Testing
@testable import QVText

/// One line of `Tests/Fixtures/tokens_minilm.jsonl`: a text and the ids Hugging Face gives it.
private struct TokenFixture {
    /// The text, expanded from `{"repeat", "times"}` for long ones.
    let text: String
    /// How to name the text in a failure message.
    let label: String
    /// Reference ids, `[CLS] … [SEP]`, truncated to 256.
    let ids: [Int32]

    /// Reads every line of the fixture file.
    static func loadAll() throws -> [TokenFixture] {
        let url = TestSupport.fixture("tokens_minilm.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        return try lines.enumerated().map { number, line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let ids = object["ids"] as? [Int] else {
                throw TestSupport.MissingResource(description: "\(url.path):\(number + 1) is not {text|repeat+times, ids}; regenerate it with tools/reference_tokens.py")
            }
            if let text = object["text"] as? String {
                return TokenFixture(text: text, label: "line \(number + 1) \(text.debugDescription.prefix(160))", ids: ids.map(Int32.init))
            }
            guard let unit = object["repeat"] as? String, let times = object["times"] as? Int else {
                throw TestSupport.MissingResource(description: "\(url.path):\(number + 1) has neither text nor repeat+times")
            }
            return TokenFixture(
                text: String(repeating: unit, count: times),
                label: "line \(number + 1) \(unit.debugDescription) × \(times)", ids: ids.map(Int32.init))
        }
    }
}

/// The tokenizer as the runtime sets it up for all-MiniLM-L6-v2.
private func miniLMTokenizer(maxLength: Int = 256, specialTokenIDs: [Int32] = [0, 100, 101, 102, 103]) throws -> WordPieceTokenizer {
    WordPieceTokenizer(
        vocabulary: try TestSupport.miniLMVocabulary(),
        options: WordPieceOptions(
            lowercase: true, stripAccents: true, handleChineseChars: true, cleanText: true,
            continuingPrefix: "##", maxInputCharsPerWord: 100, maxLength: maxLength,
            unkID: 100, clsID: 101, sepID: 102, padID: 0, specialTokenIDs: specialTokenIDs))
}

/// Describes the first mismatches for a failure message.
private func mismatchReport(_ mismatches: [(TokenFixture, [Int32])], of total: Int) -> String {
    let shown = mismatches.prefix(5).map { fixture, actual in
        "\(fixture.label)\n  expected \(fixture.ids)\n  actual   \(actual)"
    }
    return "\(mismatches.count) of \(total) texts differ from Hugging Face:\n" + shown.joined(separator: "\n")
}

@Suite struct TokenizerTests {
    @Test func matchesHuggingFaceOnEveryFixtureText() throws {
        let tokenizer = try miniLMTokenizer()
        let fixtures = try TokenFixture.loadAll()
        #expect(fixtures.count >= 340)
        let mismatches = fixtures.compactMap { fixture -> (TokenFixture, [Int32])? in
            let actual = tokenizer.encode(fixture.text)
            return actual == fixture.ids ? nil : (fixture, actual)
        }
        let allEqual = mismatches.isEmpty
        #expect(allEqual, Comment(rawValue: mismatchReport(mismatches, of: fixtures.count)))
    }

    @Test func shorterLengthsKeepTheFirstPieces() throws {
        let fixtures = try TokenFixture.loadAll()
        for maxLength in [Int.min, -1, 0, 1, 2, 3, 10, 100] {
            let tokenizer = try miniLMTokenizer(maxLength: maxLength)
            let mismatches = fixtures.compactMap { fixture -> (TokenFixture, [Int32])? in
                let pieces = fixture.ids.dropFirst().dropLast()
                let expected = [Int32(101)] + pieces.prefix(maxLength > 2 ? maxLength - 2 : 0) + [102]
                let actual = tokenizer.encode(fixture.text)
                return actual == expected ? nil : (TokenFixture(text: fixture.text, label: fixture.label, ids: expected), actual)
            }
            let allEqual = mismatches.isEmpty
            #expect(allEqual, Comment(rawValue: "maxLength \(maxLength): " + mismatchReport(mismatches, of: fixtures.count)))
        }
    }

    @Test func emptyAndBlankTextsGiveOnlyClsAndSep() throws {
        let tokenizer = try miniLMTokenizer()
        for text in ["", " ", "\t\n\r ", "\u{00A0}\u{3000}\u{2028}", "\u{0000}\u{FFFD}\u{200B}\u{FEFF}", "\u{0301}"] {
            #expect(tokenizer.encode(text) == [101, 102], "text \(text.debugDescription)")
        }
    }

    @Test func specialTokensInTextAreMatchedOnlyWhenListed() throws {
        let matching = try miniLMTokenizer()
        #expect(matching.encode("[MASK]") == [101, 103, 102])
        #expect(matching.encode("a[SEP]b") == [101, 1037, 102, 1038, 102])
        let literal = try miniLMTokenizer(specialTokenIDs: [])
        #expect(literal.encode("[MASK]") == matching.encode("[ MASK ]"))
    }

    @Test func vocabularyLookupForDisplay() throws {
        let tokenizer = try miniLMTokenizer()
        #expect(tokenizer.vocabularySize == 30522)
        #expect(tokenizer.token(for: 101) == "[CLS]")
        #expect(tokenizer.token(for: 1037) == "a")
        #expect(tokenizer.token(for: -1) == nil)
        #expect(tokenizer.token(for: 30522) == nil)
    }

    @Test func hostileSettingsNeitherTrapNorHang() {
        let options = WordPieceOptions(maxInputCharsPerWord: -5, maxLength: Int.max, unkID: -1, specialTokenIDs: [-7, 99, 1])
        let tokenizer = WordPieceTokenizer(vocabulary: ["", "x", "##x"], options: options)
        #expect(tokenizer.encode("xx x\u{0301}") == [101, 1, 1, 1, 102])
        #expect(tokenizer.encode("ab") == [101, -1, 102])
        let empty = WordPieceTokenizer(vocabulary: [], options: WordPieceOptions(continuingPrefix: ""))
        #expect(empty.encode("word [MASK]") == [101, 100, 100, 100, 100, 102])
    }

    @Test func laterDuplicateTokensWin() {
        let options = WordPieceOptions(maxLength: 8, unkID: 0, clsID: 1, sepID: 2, padID: 0, specialTokenIDs: [])
        let tokenizer = WordPieceTokenizer(vocabulary: ["[UNK]", "[CLS]", "[SEP]", "ab", "ab", "##c"], options: options)
        #expect(tokenizer.encode("abc ABd") == [1, 4, 5, 0, 2])
    }
}
