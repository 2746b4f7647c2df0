/// The WordPiece model: spells one normalized word in vocabulary pieces, greedily taking the
/// longest piece that fits at each position (continuation pieces carry the `##` prefix). A word
/// that can't be spelled completely, or that is too long, becomes a single `[UNK]`.
struct WordPieceModel {
    /// Token bytes → id.
    let vocabulary: WordPieceVocabulary
    /// Id for words the vocabulary can't spell.
    let unkID: Int32
    /// Longer words (in Unicode scalars) are `[UNK]` without trying.
    let maxInputCharsPerWord: Int

    /// Appends the ids of the pieces of `word` to `ids`.
    func appendPieces(of word: NormalizedWord, to ids: inout [Int32]) {
        guard word.scalarCount <= maxInputCharsPerWord else {
            ids.append(unkID)
            return
        }
        let bytes = word.utf8[...]
        let firstPiece = ids.count
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let prefixCount = start > bytes.startIndex ? vocabulary.continuingPrefixByteCount : 0
            let longestFit = max(0, vocabulary.longestTokenByteCount - prefixCount)
            var end = Self.scalarStart(atOrBefore: min(bytes.endIndex, start + longestFit), after: start, in: bytes)
            var piece: Int32?
            while end > start {
                piece = vocabulary.id(of: bytes[start ..< end], continuing: start > bytes.startIndex)
                if piece != nil { break }
                end = Self.scalarStart(atOrBefore: end - 1, after: start, in: bytes)
            }
            guard let piece else {
                ids.removeSubrange(firstPiece...)
                ids.append(unkID)
                return
            }
            ids.append(piece)
            start = end
        }
    }

    /// The nearest scalar boundary at or before `position` but above `floor` (or `floor` itself).
    private static func scalarStart(atOrBefore position: Int, after floor: Int, in bytes: ArraySlice<UInt8>) -> Int {
        var position = position
        while position > floor, position < bytes.endIndex, bytes[position] & 0xC0 == 0x80 {
            position -= 1
        }
        return position
    }
}
