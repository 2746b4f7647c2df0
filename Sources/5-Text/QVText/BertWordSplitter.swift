/// One word of normalized text: what the WordPiece model spells in vocabulary pieces.
struct NormalizedWord {
    /// UTF-8 of the word; left incomplete once `scalarCount` passes `storedScalarLimit`.
    private(set) var utf8: [UInt8] = []
    /// Unicode scalars in the word (all of them, stored or not).
    private(set) var scalarCount = 0
    /// Scalars kept in `utf8`; longer words are only counted, since they become `[UNK]` anyway.
    let storedScalarLimit: Int

    /// Creates an empty word that stores up to `storedScalarLimit` scalars.
    init(storedScalarLimit: Int) {
        self.storedScalarLimit = storedScalarLimit
        utf8.reserveCapacity(64)
    }

    /// Whether the word has no scalars.
    var isEmpty: Bool { scalarCount == 0 }

    /// Appends one scalar, UTF-8 encoded.
    mutating func append(_ scalar: UInt32) {
        scalarCount += 1
        guard scalarCount <= storedScalarLimit else { return }
        switch scalar {
        case ..<0x80:
            utf8.append(UInt8(scalar))
        case ..<0x800:
            utf8.append(UInt8(0xC0 | scalar >> 6))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            utf8.append(UInt8(0xE0 | scalar >> 12))
            utf8.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        default:
            utf8.append(UInt8(0xF0 | scalar >> 18 & 0x07))
            utf8.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            utf8.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            utf8.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Empties the word, keeping its storage.
    mutating func removeAll() {
        utf8.removeAll(keepingCapacity: true)
        scalarCount = 0
    }
}

/// Receives the words `BertWordSplitter` completes, in text order.
protocol NormalizedWordSink {
    /// Takes one complete, non-empty word.
    mutating func take(_ word: NormalizedWord)
}

/// Streams raw Unicode scalars through Hugging Face's `BertNormalizer` (clean text, isolate CJK
/// ideographs, NFD + drop nonspacing marks, lowercase — each optional, in that order) and
/// `BertPreTokenizer` (split on whitespace, isolate punctuation), handing out finished words.
///
/// Every stage works scalar by scalar; only canonical ordering looks ahead, and it holds back
/// nothing but the kept non-starters since the last starter. So the words handed out for a prefix
/// of the text are final: later text can only add words, never change them.
struct BertWordSplitter {
    /// A non-starter kept by accent stripping, waiting for canonical ordering.
    private struct PendingScalar {
        /// Its canonical combining class, the sort key.
        let combiningClass: UInt8
        /// Arrival order, which breaks ties so the ordering is stable.
        let arrival: Int
        /// The scalar.
        let scalar: UInt32
    }

    /// `WordPieceOptions.cleanText`.
    private let cleansText: Bool
    /// `WordPieceOptions.handleChineseChars`.
    private let isolatesChineseCharacters: Bool
    /// `WordPieceOptions.stripAccents`.
    private let stripsAccents: Bool
    /// `WordPieceOptions.lowercase`.
    private let lowercases: Bool
    /// Kept non-starters since the last starter, in arrival order.
    private var pending: [PendingScalar] = []
    /// The word being built.
    private var word: NormalizedWord

    /// Creates a splitter for `options`; words longer than `options.maxInputCharsPerWord`
    /// scalars are handed out with their scalar count but without all their bytes.
    init(options: WordPieceOptions) {
        cleansText = options.cleanText
        isolatesChineseCharacters = options.handleChineseChars
        stripsAccents = options.stripAccents
        lowercases = options.lowercase
        word = NormalizedWord(storedScalarLimit: max(0, options.maxInputCharsPerWord))
    }

    /// Feeds one raw scalar; gives `sink` each word it completes.
    mutating func append<Sink: NormalizedWordSink>(_ rawScalar: UInt32, to sink: inout Sink) {
        var scalar = rawScalar
        var properties = BertScalarProperties(of: scalar)
        if cleansText {
            if properties.isRemovedByCleaning { return }
            if properties.becomesSpaceWhenCleaning {
                scalar = 0x20
                properties = BertScalarProperties(of: scalar)
            }
        }
        if isolatesChineseCharacters && BertScalarFacts.isChineseCharacter(scalar) {
            let space = BertScalarProperties(of: 0x20)
            decomposeAndStripMarks(0x20, space, &sink)
            decomposeAndStripMarks(scalar, properties, &sink)
            decomposeAndStripMarks(0x20, space, &sink)
        } else {
            decomposeAndStripMarks(scalar, properties, &sink)
        }
    }

    /// Ends the current stretch of text (before a special token, or at the end): orders and
    /// emits the held-back non-starters and hands out the last word.
    mutating func finishSegment<Sink: NormalizedWordSink>(to sink: inout Sink) {
        flushPending(&sink)
        finishWord(&sink)
    }

    /// Accent stripping (if on): full canonical decomposition, then each part through `keepOrDrop`.
    private mutating func decomposeAndStripMarks<Sink: NormalizedWordSink>(
        _ scalar: UInt32, _ properties: BertScalarProperties, _ sink: inout Sink
    ) {
        guard stripsAccents else {
            applyLowercase(scalar, properties, &sink)
            return
        }
        if properties.hasCanonicalDecomposition {
            BertScalarFacts.forEachScalarOfDecomposition(of: scalar) { part in
                keepOrDrop(part, BertScalarProperties(of: part), &sink)
            }
        } else if BertScalarFacts.hangulSyllables.contains(scalar) {
            BertScalarFacts.forEachJamo(ofHangulSyllable: scalar) { jamo in
                keepOrDrop(jamo, BertScalarProperties(of: jamo), &sink)
            }
        } else {
            keepOrDrop(scalar, properties, &sink)
        }
    }

    /// One decomposed scalar: a starter releases the held-back non-starters; nonspacing marks are
    /// dropped; other non-starters wait for canonical ordering.
    private mutating func keepOrDrop<Sink: NormalizedWordSink>(
        _ scalar: UInt32, _ properties: BertScalarProperties, _ sink: inout Sink
    ) {
        if !properties.isNonStarter { flushPending(&sink) }
        if properties.isNonspacingMark { return }
        if properties.isNonStarter {
            pending.append(PendingScalar(
                combiningClass: BertScalarFacts.combiningClass(of: scalar), arrival: pending.count, scalar: scalar))
        } else {
            applyLowercase(scalar, properties, &sink)
        }
    }

    /// Emits the held-back non-starters in canonical order (stable by combining class).
    private mutating func flushPending<Sink: NormalizedWordSink>(_ sink: inout Sink) {
        guard !pending.isEmpty else { return }
        if pending.count > 1 {
            pending.sort { ($0.combiningClass, $0.arrival) < ($1.combiningClass, $1.arrival) }
        }
        for held in pending {
            applyLowercase(held.scalar, BertScalarProperties(of: held.scalar), &sink)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Lowercasing (if on): each scalar of the full lowercase mapping goes to the pre-tokenizer.
    private mutating func applyLowercase<Sink: NormalizedWordSink>(
        _ scalar: UInt32, _ properties: BertScalarProperties, _ sink: inout Sink
    ) {
        guard lowercases && properties.hasLowercaseMapping else {
            preTokenize(scalar, properties, &sink)
            return
        }
        BertScalarFacts.forEachScalarOfLowercase(of: scalar) { lowered in
            preTokenize(lowered, BertScalarProperties(of: lowered), &sink)
        }
    }

    /// Pre-tokenization: whitespace ends a word, punctuation is a word of its own.
    private mutating func preTokenize<Sink: NormalizedWordSink>(
        _ scalar: UInt32, _ properties: BertScalarProperties, _ sink: inout Sink
    ) {
        if properties.isWhitespace {
            finishWord(&sink)
        } else if properties.isPunctuation {
            finishWord(&sink)
            word.append(scalar)
            finishWord(&sink)
        } else {
            word.append(scalar)
        }
    }

    /// Hands out the current word, if any, and starts a new one.
    private mutating func finishWord<Sink: NormalizedWordSink>(_ sink: inout Sink) {
        guard !word.isEmpty else { return }
        sink.take(word)
        word.removeAll()
    }
}
