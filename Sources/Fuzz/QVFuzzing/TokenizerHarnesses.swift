import Foundation
import QVCompiler
import QVFormat
import QVText

/// The tokenizer's files: a fuzz input is a `FuzzArchive` of `vocab.txt`, `tokenizer.json`,
/// `tokenizer_config.json` and `sentence_bert_config.json`, read as the importer reads them; the
/// tokenizer they make then encodes a few texts, every id inside the vocabulary and no sequence
/// longer than its limit.
public enum TokenizerFilesHarness: FuzzHarness {
    public static let name = "tokenizer-files"
    /// The position count the files are read against.
    static let maxPositions = 64
    /// Texts each tokenizer encodes.
    static let texts = ["", "Hello, world!", "déjà vu ЖЖ 中文 😀 ##ing [CLS] [SEP]", String(repeating: "unbelievable ", count: 40)]

    public static func run(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome {
        let settings: QVB.Tokenizer
        do {
            settings = try QVB.Tokenizer(huggingFace: ModelFolder(path: "fuzz", files: FuzzArchive.files(bytes)), maxPositions: maxPositions)
        } catch { return .refused(error.message) }
        let tokenizer = WordPieceTokenizer(settings)
        for text in texts { TokenizerTextHarness.requireInRange(tokenizer.encode(text), tokenizer, text) }
        return .ran(refusedRuns: 0)
    }
}

/// The tokenizer on arbitrary text (any bytes, decoded as `qvrun --input` decodes a line): the
/// MiniLM-L6 vocabulary when `QV_FUZZ_VOCAB` names its `vocab.txt`, else a small built-in one.
public enum TokenizerTextHarness: FuzzHarness {
    public static let name = "tokenizer-text"

    /// Built once: the vocabulary named by `QV_FUZZ_VOCAB`, else BERT's special tokens, letters,
    /// digits and a few words and pieces.
    static let tokenizer: WordPieceTokenizer = {
        var vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "un", "##believ", "##able", "##s", "##ing", "中", "😀"]
        vocab += (Array("abcdefghijklmnopqrstuvwxyz0123456789.,!?'") as [Character]).flatMap { [String($0), "##\($0)"] }
        if let path = ProcessInfo.processInfo.environment["QV_FUZZ_VOCAB"], let data = FileManager.default.contents(atPath: path) {
            vocab = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        let id = { (token: String) in vocab.firstIndex(of: token) ?? 0 }
        return WordPieceTokenizer(QVB.Tokenizer(
            vocab: vocab, lowercase: true, stripAccents: true, handleChineseChars: true, cleanText: true, continuingPrefix: "##",
            maxInputCharsPerWord: 100, maxLength: 512, unkId: id("[UNK]"), clsId: id("[CLS]"), sepId: id("[SEP]"),
            padId: id("[PAD]"), specialIds: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map(id)))
    }()

    public static func run(_ bytes: UnsafeRawBufferPointer) -> FuzzOutcome {
        let text = String(decoding: bytes, as: UTF8.self)
        requireInRange(tokenizer.encode(text), tokenizer, text)
        return .ran(refusedRuns: 0)
    }

    /// Stops the process unless `ids` (the encoding of `text`) are all inside the vocabulary and
    /// no more than the tokenizer's length limit.
    static func requireInRange(_ ids: [Int32], _ tokenizer: WordPieceTokenizer, _ text: String) {
        guard ids.count <= max(tokenizer.options.maxLength, 2), ids.allSatisfy({ $0 >= 0 && Int($0) < tokenizer.vocabularySize }) else {
            fatalError("tokenizer gave \(ids.count) ids outside its \(tokenizer.vocabularySize)-word vocabulary or its \(tokenizer.options.maxLength)-token limit for \(text.debugDescription.prefix(200))")
        }
    }
}
