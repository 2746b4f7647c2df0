import QVFormat
import QVRuntime

extension WordPieceTokenizer {
    /// The tokenizer a `.qvb` describes.
    public init(_ t: QVB.Tokenizer) {
        let options = WordPieceOptions(
            lowercase: t.lowercase, stripAccents: t.stripAccents, handleChineseChars: t.handleChineseChars,
            cleanText: t.cleanText, continuingPrefix: t.continuingPrefix,
            maxInputCharsPerWord: t.maxInputCharsPerWord, maxLength: t.maxLength,
            unkID: Int32(t.unkId), clsID: Int32(t.clsId), sepID: Int32(t.sepId), padID: Int32(t.padId),
            specialTokenIDs: t.specialIds.map { Int32($0) })
        self.init(vocabulary: t.vocab, options: options)
    }
}

extension QVModel {
    /// The tokenizer of a text model, built from its file (build it once and keep it: it indexes
    /// the whole vocabulary). Throws for a model without a tokenizer or without a token ids input,
    /// and for a vocabulary larger than the word-embedding table (the file's validator has
    /// already put the special ids inside the vocabulary).
    public func tokenizer() throws(RuntimeError) -> WordPieceTokenizer {
        guard let t = metadata.tokenizer, input(role: .tokenIds) != nil else {
            throw RuntimeError(.invalidInput, "the model takes no text (no tokenizer or no token ids input); "
                               + "give it its inputs directly, or recompile it from a folder with vocab.txt")
        }
        if let rows = wordEmbeddingRows, t.vocab.count > rows {
            throw RuntimeError(.invalidGraph, "the tokenizer has \(t.vocab.count) words but the word-embedding table \(rows) rows; "
                               + "recompile the model with qvc")
        }
        return WordPieceTokenizer(t)
    }
}

extension InferenceSession {
    /// Tokenizes `text` with `tokenizer` (the model's own: `model.tokenizer()`) and runs the model on it.
    public func run(text: String, tokenizer: WordPieceTokenizer) throws(RuntimeError) -> TextOutput {
        try run(ids: tokenizer.encode(text))
    }
}
