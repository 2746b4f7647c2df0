/// Settings of a BERT WordPiece tokenizer, as read from the model file.
///
/// The defaults are those of BERT-base-uncased (`tokenizer.json` of Hugging Face `tokenizers`):
/// clean text, isolate CJK ideographs, strip accents, lowercase, `##` continuation prefix,
/// words over 100 scalars become `[UNK]`, ids `[PAD]` 0, `[UNK]` 100, `[CLS]` 101, `[SEP]` 102,
/// `[MASK]` 103, and at most 512 ids per text.
public struct WordPieceOptions: Sendable {
    /// Lowercase every scalar with its full Unicode lowercase mapping (`İ` becomes `i` + U+0307).
    public var lowercase: Bool
    /// Decompose canonically (NFD) and drop nonspacing marks. BERT's `strip_accents: null` means
    /// "same as `lowercase`".
    public var stripAccents: Bool
    /// Put spaces around CJK ideographs so that each becomes a word of its own.
    public var handleChineseChars: Bool
    /// Drop U+0000, U+FFFD and control/format/private-use scalars; turn whitespace into spaces.
    public var cleanText: Bool
    /// Prefix of vocabulary entries that continue a word (`##` in BERT).
    public var continuingPrefix: String
    /// Words longer than this many Unicode scalars (after normalization) become one `[UNK]`.
    public var maxInputCharsPerWord: Int
    /// Most ids `encode` returns, `[CLS]` and `[SEP]` included; word pieces past
    /// `maxLength - 2` are cut off. Values below 2 still return `[CLS]`, `[SEP]`.
    public var maxLength: Int
    /// Id of `[UNK]`, given for words the vocabulary can't spell.
    public var unkID: Int32
    /// Id of `[CLS]`, put first.
    public var clsID: Int32
    /// Id of `[SEP]`, put last.
    public var sepID: Int32
    /// Id of `[PAD]`, for callers that pad batches; `encode` never pads.
    public var padID: Int32
    /// Vocabulary entries found verbatim in the raw text before any normalization, each becoming
    /// its own id (Hugging Face "added tokens" with `normalized: false`): by default the ids of
    /// `[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`. Ids outside the vocabulary are ignored.
    public var specialTokenIDs: [Int32]

    /// Creates options; every parameter defaults to the BERT-base-uncased value.
    public init(
        lowercase: Bool = true,
        stripAccents: Bool = true,
        handleChineseChars: Bool = true,
        cleanText: Bool = true,
        continuingPrefix: String = "##",
        maxInputCharsPerWord: Int = 100,
        maxLength: Int = 512,
        unkID: Int32 = 100,
        clsID: Int32 = 101,
        sepID: Int32 = 102,
        padID: Int32 = 0,
        specialTokenIDs: [Int32] = [0, 100, 101, 102, 103]
    ) {
        self.lowercase = lowercase
        self.stripAccents = stripAccents
        self.handleChineseChars = handleChineseChars
        self.cleanText = cleanText
        self.continuingPrefix = continuingPrefix
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.maxLength = maxLength
        self.unkID = unkID
        self.clsID = clsID
        self.sepID = sepID
        self.padID = padID
        self.specialTokenIDs = specialTokenIDs
    }
}
