import Foundation
import QVFormat

/// Pooling, normalisation and sequence length from a sentence-transformers folder
/// (`modules.json`, `1_Pooling/config.json`, `sentence_bert_config.json`); a plain BERT folder
/// gets mean pooling, no normalisation and no sentence length limit of its own.
struct SentenceTransformersSettings {
    var pooling = "mean"
    var normalize = false
    var maxSequenceLength: Int?

    init(folder: ModelFolder) throws(CompileError) {
        if let st = try JSONFile.read("sentence_bert_config.json", in: folder) { maxSequenceLength = try st.int("max_seq_length") }
        var poolingFolder = "1_Pooling"
        if let data = try folder.contents("modules.json") {
            guard let modules = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
                throw CompileError("\(folder.location("modules.json")): expected a JSON list of modules")
            }
            for m in modules {
                let type = m["type"] as? String ?? ""
                if type.hasSuffix(".Normalize") { normalize = true }
                if type.hasSuffix(".Pooling"), let path = m["path"] as? String {
                    guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                        throw CompileError("\(folder.location("modules.json")): pooling path '\(path)' leaves the model folder")
                    }
                    poolingFolder = path
                }
                if type.hasSuffix(".Dense") {
                    throw CompileError("\(folder.location("modules.json")): a Dense module follows pooling; qv does not support it yet")
                }
            }
        }
        if let p = try JSONFile.read(poolingFolder + "/config.json", in: folder) {
            if p.bool("pooling_mode_cls_token") == true { pooling = "cls" }
            else if p.bool("pooling_mode_mean_tokens") == true { pooling = "mean" }
            else { throw CompileError("\(p.path): only mean or CLS pooling is supported") }
        }
    }
}

extension BertCheckpoint {
    /// Tokenizer settings as Hugging Face applies them: `tokenizer.json`'s BertNormalizer when
    /// present, else `tokenizer_config.json`; truncation at sentence-transformers'
    /// `max_seq_length`, else `model_max_length`, never beyond `max_position_embeddings`.
    static func tokenizerSettings(folder: ModelFolder, vocab: [String], maxPositions: Int,
                                  sentenceMaxLength: Int?) throws(CompileError) -> QVB.Tokenizer {
        let tc = try JSONFile.read("tokenizer_config.json", in: folder)
        var lowercase = tc?.bool("do_lower_case") ?? true
        var stripAccents = tc?.bool("strip_accents")
        var chinese = tc?.bool("tokenize_chinese_chars") ?? true
        var clean = true
        var prefix = "##"
        var maxChars = 100
        if let tj = try JSONFile.read("tokenizer.json", in: folder) {
            if let n = tj.child("normalizer") {
                guard n.string("type") == "BertNormalizer" else {
                    throw CompileError("\(tj.path): normalizer '\(n.string("type") ?? "?")' is not BertNormalizer; qv's tokenizer is BERT WordPiece")
                }
                lowercase = n.bool("lowercase") ?? lowercase
                stripAccents = n.bool("strip_accents")
                chinese = n.bool("handle_chinese_chars") ?? chinese
                clean = n.bool("clean_text") ?? clean
            }
            if let m = tj.child("model") {
                guard m.string("type") == "WordPiece" else {
                    throw CompileError("\(tj.path): model '\(m.string("type") ?? "?")' is not WordPiece")
                }
                prefix = m.string("continuing_subword_prefix") ?? prefix
                maxChars = try m.int("max_input_chars_per_word") ?? maxChars
            }
        }
        // Special tokens: tokenizer.json's added tokens marked special, else BERT's five.
        var special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { vocab.firstIndex(of: $0) }
        if let tj = try JSONFile.read("tokenizer.json", in: folder), let added = tj.object["added_tokens"] as? [[String: Any]] {
            special = added.filter { ($0["special"] as? Bool) == true }.compactMap { ($0["id"] as? NSNumber)?.intValue }
                .filter { vocab.indices.contains($0) }
        }
        var maxLength = maxPositions
        if let s = sentenceMaxLength { maxLength = min(maxLength, s) }
        else if let m = try tc?.int("model_max_length"), m > 0 { maxLength = min(maxLength, m) }
        func id(_ token: String) throws(CompileError) -> Int {
            guard let i = vocab.firstIndex(of: token) else {
                throw CompileError("\(folder.location("vocab.txt")) has no \(token) token; a BERT vocabulary needs [UNK] [CLS] [SEP] [PAD]")
            }
            return i
        }
        return QVB.Tokenizer(vocab: vocab, lowercase: lowercase, stripAccents: stripAccents ?? lowercase,
                             handleChineseChars: chinese, cleanText: clean, continuingPrefix: prefix,
                             maxInputCharsPerWord: maxChars, maxLength: maxLength,
                             unkId: try id("[UNK]"), clsId: try id("[CLS]"), sepId: try id("[SEP]"), padId: try id("[PAD]"),
                             specialIds: special)
    }
}

extension QVB.Tokenizer {
    /// The tokenizer of a Hugging Face BERT folder — `vocab.txt` and the settings files, as
    /// `BertCheckpoint(folder:)` reads them — truncating at most at `maxPositions` tokens.
    public init(huggingFace folder: ModelFolder, maxPositions: Int) throws(CompileError) {
        let vocab = try BertCheckpoint.readVocabulary(in: folder)
        let sentence = try SentenceTransformersSettings(folder: folder)
        self = try BertCheckpoint.tokenizerSettings(folder: folder, vocab: vocab, maxPositions: maxPositions,
                                                    sentenceMaxLength: sentence.maxSequenceLength)
    }
}
