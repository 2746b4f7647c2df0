/// Finds special tokens (`[CLS]`, `[MASK]`, …) written verbatim in raw text, the way Hugging Face
/// extracts non-normalized added tokens: scanning left to right, the longest token starting at
/// the leftmost position wins, and matches never overlap.
struct SpecialTokenMatcher {
    /// One special token.
    private struct Token {
        /// Its UTF-8.
        let utf8: [UInt8]
        /// Its vocabulary id.
        let id: Int32
    }

    /// Tokens, longest first, so the first hit at a position is the longest.
    private let tokens: [Token]
    /// Bit `b` is set when some token starts with byte `b`: other positions are skipped at once.
    private let firstBytes: SIMD4<UInt64>

    /// Takes the tokens with `ids` from `vocabulary`, skipping ids outside it and empty tokens.
    init(ids: [Int32], vocabulary: [String]) {
        var tokens: [Token] = []
        var firstBytes = SIMD4<UInt64>(repeating: 0)
        for id in ids where id >= 0 && Int(id) < vocabulary.count {
            let utf8 = Array(vocabulary[Int(id)].utf8)
            guard let first = utf8.first else { continue }
            tokens.append(Token(utf8: utf8, id: id))
            firstBytes[Int(first >> 6)] |= 1 << UInt64(first & 63)
        }
        tokens.sort { $0.utf8.count > $1.utf8.count }
        self.tokens = tokens
        self.firstBytes = firstBytes
    }

    /// The special token starting at `position` in `text`, with its byte length.
    func match(in text: UnsafeBufferPointer<UInt8>, at position: Int) -> (id: Int32, length: Int)? {
        let first = text[position]
        guard firstBytes[Int(first >> 6)] & (1 << UInt64(first & 63)) != 0 else { return nil }
        let remaining = text.count - position
        for token in tokens where token.utf8.count <= remaining {
            var offset = 0
            while offset < token.utf8.count, token.utf8[offset] == text[position + offset] { offset += 1 }
            if offset == token.utf8.count { return (token.id, offset) }
        }
        return nil
    }
}
