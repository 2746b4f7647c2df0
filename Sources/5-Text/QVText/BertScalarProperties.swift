/// What the reference BERT normalizer and pre-tokenizer (Hugging Face `tokenizers`) do with one
/// Unicode scalar, looked up in the tables `tools/gen_unicode_tables.py` probed from it.
struct BertScalarProperties {
    /// The property bits; their meaning is fixed by the generator.
    let bits: UInt8

    /// Looks up the properties of `scalar` (any value; those above U+10FFFF read as unassigned).
    init(of scalar: UInt32) {
        bits = scalar < 0x80 ? Self.ascii[Int(scalar)] : Self.lookUp(scalar)
    }

    /// `clean_text` drops it: U+0000, U+FFFD, control, format and private-use scalars.
    var isRemovedByCleaning: Bool { bits & 0x01 != 0 }
    /// `clean_text` turns it into U+0020: tab, newline, carriage return and Unicode whitespace.
    var becomesSpaceWhenCleaning: Bool { bits & 0x02 != 0 }
    /// Accent stripping drops it (general category Mn in the reference's Unicode tables).
    var isNonspacingMark: Bool { bits & 0x04 != 0 }
    /// Canonical combining class is not 0: canonical ordering may move it.
    var isNonStarter: Bool { bits & 0x08 != 0 }
    /// The pre-tokenizer splits on it and drops it.
    var isWhitespace: Bool { bits & 0x10 != 0 }
    /// The pre-tokenizer makes it a word of its own (ASCII or Unicode punctuation).
    var isPunctuation: Bool { bits & 0x20 != 0 }
    /// Lowercasing changes it; the mapping is in `UnicodeLowercaseTable`.
    var hasLowercaseMapping: Bool { bits & 0x40 != 0 }
    /// NFD changes it and it is no Hangul syllable; the decomposition is in `UnicodeDecompositionTable`.
    var hasCanonicalDecomposition: Bool { bits & 0x80 != 0 }

    /// Properties of the ASCII scalars, for the common case.
    private static let ascii: [UInt8] = (0..<0x80).map { lookUp(UInt32($0)) }

    /// Binary search for the last run starting at or before `scalar`.
    private static func lookUp(_ scalar: UInt32) -> UInt8 {
        let runs = BertScalarPropertyTable.runs
        let key = scalar < 0x110000 ? scalar << 8 | 0xFF : 0x10FFFF << 8 | 0xFF
        var low = 0
        var high = runs.count
        while low < high {
            let middle = (low + high) / 2
            if runs[middle] <= key { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? 0 : UInt8(truncatingIfNeeded: runs[low - 1])
    }
}

/// Scalar-level facts the BERT normalizer needs besides `BertScalarProperties`.
enum BertScalarFacts {
    /// The CJK ideograph blocks `handle_chinese_chars` isolates (exactly the reference's list).
    static func isChineseCharacter(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            true
        default:
            false
        }
    }

    /// Canonical combining class of a non-starter that accent stripping keeps (0 if unknown).
    static func combiningClass(of scalar: UInt32) -> UInt8 {
        let scalars = BertScalarPropertyTable.combiningClassScalars
        guard let index = sortedIndex(of: scalar, in: scalars) else { return 0 }
        return BertScalarPropertyTable.combiningClasses[index]
    }

    /// First and last syllable of the algorithmically decomposed Hangul block.
    static let hangulSyllables: ClosedRange<UInt32> = 0xAC00...0xD7A3

    /// Calls `body` with the leading consonant, vowel and (if any) trailing consonant jamo of a
    /// Hangul syllable from `hangulSyllables`.
    static func forEachJamo(ofHangulSyllable syllable: UInt32, _ body: (UInt32) -> Void) {
        let index = syllable - hangulSyllables.lowerBound
        let perLeading: UInt32 = 21 * 28
        body(0x1100 + index / perLeading)
        body(0x1161 + (index % perLeading) / 28)
        if index % 28 != 0 { body(0x11A7 + index % 28) }
    }

    /// Calls `body` with each scalar of the full canonical decomposition of a scalar whose
    /// properties say it has one.
    static func forEachScalarOfDecomposition(of scalar: UInt32, _ body: (UInt32) -> Void) {
        forEachScalar(
            mappedFrom: scalar, keys: UnicodeDecompositionTable.scalars,
            starts: UnicodeDecompositionTable.starts, mappings: UnicodeDecompositionTable.mappings, body)
    }

    /// Calls `body` with each scalar of the full lowercase mapping of a scalar whose properties
    /// say it has one.
    static func forEachScalarOfLowercase(of scalar: UInt32, _ body: (UInt32) -> Void) {
        forEachScalar(
            mappedFrom: scalar, keys: UnicodeLowercaseTable.scalars,
            starts: UnicodeLowercaseTable.starts, mappings: UnicodeLowercaseTable.mappings, body)
    }

    /// Looks `scalar` up in a generated mapping table; calls `body` with `scalar` itself when absent.
    private static func forEachScalar(
        mappedFrom scalar: UInt32, keys: [UInt32], starts: [UInt16], mappings: [UInt32],
        _ body: (UInt32) -> Void
    ) {
        guard let index = sortedIndex(of: scalar, in: keys), index + 1 < starts.count else {
            body(scalar)
            return
        }
        let end = min(Int(starts[index + 1]), mappings.count)
        var position = Int(starts[index])
        while position < end {
            body(mappings[position])
            position += 1
        }
    }

    /// Index of `value` in an ascending array, if present.
    private static func sortedIndex(of value: UInt32, in sorted: [UInt32]) -> Int? {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && sorted[low] == value ? low : nil
    }
}
