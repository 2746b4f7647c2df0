/// BERT WordPiece tokenizer giving the same ids as Hugging Face `tokenizers` with a BERT
/// `tokenizer.json`: special tokens matched in the raw text, `BertNormalizer`,
/// `BertPreTokenizer`, `WordPiece`, then `[CLS] text [SEP]` cut to `maxLength`.
public struct WordPieceTokenizer: Sendable {
    /// The settings it was made with.
    public let options: WordPieceOptions
    /// Token text by id.
    private let tokens: [String]
    /// Spells words in pieces.
    private let model: WordPieceModel
    /// Finds special tokens in raw text.
    private let specialTokens: SpecialTokenMatcher

    /// Creates a tokenizer; token `i` of `vocabulary` has id `i` (one `vocab.txt` line each,
    /// used verbatim). Of equal tokens the later id wins.
    public init(vocabulary: [String], options: WordPieceOptions) {
        self.options = options
        tokens = vocabulary
        model = WordPieceModel(
            vocabulary: WordPieceVocabulary(tokens: vocabulary, continuingPrefix: options.continuingPrefix),
            unkID: options.unkID,
            maxInputCharsPerWord: options.maxInputCharsPerWord)
        specialTokens = SpecialTokenMatcher(ids: options.specialTokenIDs, vocabulary: vocabulary)
    }

    /// Number of tokens in the vocabulary.
    public var vocabularySize: Int { tokens.count }

    /// The text of token `id`, or nil outside the vocabulary; for display.
    public func token(for id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    /// `[CLS]` + word pieces + `[SEP]`, truncated so the total is at most `options.maxLength`.
    ///
    /// Text past the point where the pieces fill the length budget is not looked at: every
    /// stage streams and never revises pieces already produced, so the ids are those of
    /// tokenizing everything and truncating afterwards.
    public func encode(_ text: String) -> [Int32] {
        var text = text
        return text.withUTF8 { encode(utf8: $0) }
    }

    /// `encode` on the text's UTF-8.
    private func encode(utf8 text: UnsafeBufferPointer<UInt8>) -> [Int32] {
        let pieceBudget = options.maxLength > 2 ? options.maxLength - 2 : 0
        var pieces = PieceCollector(model: model, ids: [options.clsID])
        pieces.ids.reserveCapacity(min(pieceBudget, text.count) + 2)
        var splitter = BertWordSplitter(options: options)
        var position = 0
        while position < text.count && pieces.ids.count <= pieceBudget {
            if let special = specialTokens.match(in: text, at: position) {
                splitter.finishSegment(to: &pieces)
                pieces.ids.append(special.id)
                position += special.length
            } else {
                let (scalar, length) = Self.decodeScalar(in: text, at: position)
                splitter.append(scalar, to: &pieces)
                position += length
            }
        }
        splitter.finishSegment(to: &pieces)
        var ids = pieces.ids
        if ids.count > 1 + pieceBudget { ids.removeLast(ids.count - 1 - pieceBudget) }
        ids.append(options.sepID)
        return ids
    }

    /// The scalar whose UTF-8 starts at `position` and its byte length. `String` guarantees valid
    /// UTF-8; a malformed sequence would read as U+FFFD, one byte long.
    private static func decodeScalar(in text: UnsafeBufferPointer<UInt8>, at position: Int) -> (UInt32, Int) {
        let lead = UInt32(text[position])
        let length: Int
        let initial: UInt32
        switch lead {
        case ..<0x80: return (lead, 1)
        case 0xC0 ..< 0xE0: (length, initial) = (2, lead & 0x1F)
        case 0xE0 ..< 0xF0: (length, initial) = (3, lead & 0x0F)
        case 0xF0 ..< 0xF8: (length, initial) = (4, lead & 0x07)
        default: return (0xFFFD, 1)
        }
        guard position + length <= text.count else { return (0xFFFD, 1) }
        var scalar = initial
        for offset in 1 ..< length {
            let byte = UInt32(text[position + offset])
            guard byte & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            scalar = scalar << 6 | byte & 0x3F
        }
        return (scalar, length)
    }
}

/// Spells each word the splitter completes and collects the piece ids.
private struct PieceCollector: NormalizedWordSink {
    /// The WordPiece model.
    let model: WordPieceModel
    /// Ids so far, `[CLS]` first.
    var ids: [Int32]

    /// Appends the pieces of `word`.
    mutating func take(_ word: NormalizedWord) {
        model.appendPieces(of: word, to: &ids)
    }
}
