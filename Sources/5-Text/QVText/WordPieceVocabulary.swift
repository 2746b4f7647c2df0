/// WordPiece vocabulary: token UTF-8 bytes → id, as an open-addressing hash table.
///
/// Keys are compared byte for byte (Swift `String` equality would merge canonically equivalent
/// tokens), and a lookup can put the continuation prefix in front of the bytes without building
/// a new string.
struct WordPieceVocabulary {
    /// UTF-8 of all tokens, one after another.
    private let tokenBytes: [UInt8]
    /// `tokenStarts[id] ..< tokenStarts[id + 1]` is token `id` in `tokenBytes`.
    private let tokenStarts: [Int]
    /// Hash slots holding `id + 1`, or 0 when empty; the count is a power of two.
    private let slots: [Int32]
    /// UTF-8 of the continuation prefix (`##`).
    private let continuingPrefix: [UInt8]
    /// Byte length of the longest token: longer candidates can't be in the vocabulary.
    let longestTokenByteCount: Int

    /// Indexes `tokens` (token `i` has id `i`); of equal tokens the last one wins, as when
    /// Hugging Face reads `vocab.txt`.
    init(tokens: [String], continuingPrefix: String) {
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        starts.reserveCapacity(tokens.count + 1)
        for token in tokens {
            bytes.append(contentsOf: token.utf8)
            starts.append(bytes.count)
        }
        var slotCount = 16
        while slotCount < tokens.count * 2 { slotCount *= 2 }
        var slots = [Int32](repeating: 0, count: slotCount)
        var longest = 0
        for id in tokens.indices {
            let range = starts[id] ..< starts[id + 1]
            longest = max(longest, range.count)
            var slot = Self.hash(prefix: [], bytes[range]) & (slotCount - 1)
            while slots[slot] != 0, !Self.equal(bytes[Self.range(of: Int(slots[slot]) - 1, starts)], bytes[range]) {
                slot = (slot + 1) & (slotCount - 1)
            }
            slots[slot] = Int32(truncatingIfNeeded: id + 1)
        }
        tokenBytes = bytes
        tokenStarts = starts
        self.slots = slots
        self.continuingPrefix = Array(continuingPrefix.utf8)
        longestTokenByteCount = longest
    }

    /// Byte length of the continuation prefix.
    var continuingPrefixByteCount: Int { continuingPrefix.count }

    /// Id of the token spelled by `bytes`, with the continuation prefix in front if `continuing`.
    func id(of bytes: ArraySlice<UInt8>, continuing: Bool) -> Int32? {
        let prefix = continuing ? continuingPrefix[...] : []
        var slot = Self.hash(prefix: prefix, bytes) & (slots.count - 1)
        while slots[slot] != 0 {
            let id = Int(slots[slot]) - 1
            let token = tokenBytes[Self.range(of: id, tokenStarts)]
            if token.count == prefix.count + bytes.count,
               Self.equal(token.prefix(prefix.count), prefix),
               Self.equal(token.dropFirst(prefix.count), bytes) {
                return Int32(truncatingIfNeeded: id)
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// Byte range of token `id`.
    private static func range(of id: Int, _ starts: [Int]) -> Range<Int> {
        starts[id] ..< starts[id + 1]
    }

    /// FNV-1a over `prefix` then `bytes`, folded to a non-negative `Int`.
    private static func hash(prefix: ArraySlice<UInt8>, _ bytes: ArraySlice<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in prefix { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: (hash ^ hash >> 32) & 0x7FFF_FFFF)
    }

    /// Byte-wise equality of two slices.
    private static func equal(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var i = a.startIndex
        var j = b.startIndex
        while i < a.endIndex {
            if a[i] != b[j] { return false }
            i += 1
            j += 1
        }
        return true
    }
}
