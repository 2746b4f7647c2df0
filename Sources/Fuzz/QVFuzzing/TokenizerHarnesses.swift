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
/// tokenizer of the Hugging Face folder `QV_FUZZ_TOKENIZER` names (tools/fuzz.sh: MiniLM-L6's),
/// else of a small built-in vocabulary, read as `qvc compile` reads a folder.
public enum TokenizerTextHarness: FuzzHarness {
    public static let name = "tokenizer-text"

    /// Built once, through `QVB.Tokenizer(huggingFace:maxPositions:)`.
    static let tokenizer: WordPieceTokenizer = {
        var folder = ModelFolder(path: "built-in", files: ["vocab.txt": Data(builtInVocabulary.joined(separator: "\n").utf8)])
        if let path = ProcessInfo.processInfo.environment["QV_FUZZ_TOKENIZER"] { folder = ModelFolder(path: path) }
        do throws(CompileError) { return WordPieceTokenizer(try QVB.Tokenizer(huggingFace: folder, maxPositions: 512)) } catch {
            fatalError("the fuzzed tokenizer cannot be read: \(error.message)")
        }
    }()

    /// BERT's special tokens, letters, digits and a few words and pieces.
    static let builtInVocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "un", "##believ", "##able", "##s", "##ing", "中", "😀"]
        + (Array("abcdefghijklmnopqrstuvwxyz0123456789.,!?'") as [Character]).flatMap { [String($0), "##\($0)"] }

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
