// 1-bit GEMM popcount counts with AVX-512 VPOPCNTDQ: count(m, n) = popcount(combine(a_m, w_n))
// over all 64-bit words of a row, for XOR (±1 × ±1) and AND ({0,1} × ±1).
//
// Activations arrive regrouped into 8-row panels (word j of rows 8p…8p+7 is one 512-bit vector),
// weights are read straight from their packed rows: each weight word is broadcast to all eight
// lanes. A tile is 16 activation rows (two panels) × 8 weight rows: 16 accumulators, each
// vpxorq/vpandq + vpopcntq + vpaddq per word. The finished tile is transposed so that every row's
// eight counts are contiguous.
#if arch(x86_64)

/// XOR popcounts (±1 × ±1 dot products are K − 2·count) of all activation rows against the
/// weight rows; see `andPopcountCountsAVX512` for the layouts, which are the same.
@inline(never)
public func xorPopcountCountsAVX512(
    activationPanels: UnsafePointer<UInt64>, panelPairs: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    countPopcounts(
        XorWords.self, panels: activationPanels, panelPairs: panelPairs, words: words, weights: weights,
        weightStride: weightStride, weightRows: weightRows, lastWordMask: lastWordMask, counts: counts, countStride: countStride)
}

/// AND popcounts ({0,1} × ±1 dot products are 2·count − popcount(a)) of all activation rows
/// against the weight rows.
///
/// - `activationPanels`: `2 * panelPairs` panels of `words` × 8 `UInt64` (word j of panel p at
///   `(p * words + j) * 8`, lane i = activation row 8p + i), 64-byte aligned, bits past K zero.
/// - `weights`: `weightRows` ≥ 1 rows `weightStride` bytes apart, each with `words` readable
///   little-endian 64-bit words; bits past K may hold anything (AND with a zero bit ignores them).
/// - `lastWordMask`: the valid bits of word `words - 1`.
/// - `counts`: `16 * panelPairs` rows, `countStride` (≥ `weightRows` rounded up to a multiple of
///   8) apart: count(m, n) at `m * countStride + n`. Columns past `weightRows` that a tile covers
///   repeat the last weight row.
@inline(never)
public func andPopcountCountsAVX512(
    activationPanels: UnsafePointer<UInt64>, panelPairs: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    countPopcounts(
        AndWords.self, panels: activationPanels, panelPairs: panelPairs, words: words, weights: weights,
        weightStride: weightStride, weightRows: weightRows, lastWordMask: lastWordMask, counts: counts, countStride: countStride)
}

/// How an activation word and a broadcast weight word combine before the popcount.
protocol WordCombine {
    static func combine(_ a: SIMD8<UInt64>, _ w: SIMD8<UInt64>) -> SIMD8<UInt64>
    /// Whether weight bits past K can reach the count (then a partial last word is masked).
    static var countsPadding: Bool { get }
}

/// ±1 × ±1: differing bits.
enum XorWords: WordCombine {
    static var countsPadding: Bool { true }

    @inline(__always)
    static func combine(_ a: SIMD8<UInt64>, _ w: SIMD8<UInt64>) -> SIMD8<UInt64> { a ^ w }
}

/// {0,1} × ±1: set activation bits whose weight bit is set.
enum AndWords: WordCombine {
    static var countsPadding: Bool { false }

    @inline(__always)
    static func combine(_ a: SIMD8<UInt64>, _ w: SIMD8<UInt64>) -> SIMD8<UInt64> { a & w }
}

/// Only XOR of a partial last word can count padding bits (activation padding is zero); the loops
/// for that case are a separate copy, so the common one carries no mask.
@inline(__always)
private func countPopcounts<Combine: WordCombine>(
    _: Combine.Type, panels: UnsafePointer<UInt64>, panelPairs: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    if Combine.countsPadding && lastWordMask != ~0 && words > 0 {
        countTiles(Combine.self, panels: panels, panelPairs: panelPairs, words: words, weights: weights,
                   weightStride: weightStride, weightRows: weightRows, lastWordMask: lastWordMask,
                   masksLastWord: true, counts: counts, countStride: countStride)
    } else {
        countTiles(Combine.self, panels: panels, panelPairs: panelPairs, words: words, weights: weights,
                   weightStride: weightStride, weightRows: weightRows, lastWordMask: ~0,
                   masksLastWord: false, counts: counts, countStride: countStride)
    }
}

@inline(__always)
private func countTiles<Combine: WordCombine>(
    _: Combine.Type, panels: UnsafePointer<UInt64>, panelPairs: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64, masksLastWord: Bool,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    let unmaskedWords = masksLastWord ? words - 1 : words
    let mask = SIMD8<UInt64>(repeating: lastWordMask)
    let groups = (weightRows + 7) / 8
    for group in 0..<groups {
        let rows = WeightRows(weights, stride: weightStride, first: group * 8, count: weightRows)
        for pair in 0..<panelPairs {
            let first = panels + 2 * pair * words * 8
            let second = first + words * 8
            var upper = EightColumns(), lower = EightColumns()
            for word in 0..<unmaskedWords {
                let w = rows.broadcast(word: word)
                upper.add(Combine.self, activations: load(first, word: word), weights: w)
                lower.add(Combine.self, activations: load(second, word: word), weights: w)
            }
            if masksLastWord {
                let w = rows.broadcast(word: words - 1)
                upper.add(Combine.self, activations: load(first, word: words - 1), weights: w, mask: mask)
                lower.add(Combine.self, activations: load(second, word: words - 1), weights: w, mask: mask)
            }
            storeTransposed(upper, lower, to: counts + 16 * pair * countStride + 8 * group, stride: countStride)
        }
    }
}

@inline(__always)
private func load(_ panel: UnsafePointer<UInt64>, word: Int) -> SIMD8<UInt64> {
    UnsafeRawPointer(panel + word * 8).loadUnaligned(as: SIMD8<UInt64>.self)
}

/// Eight weight rows (the last one repeated past the end), read word by word.
private struct WeightRows {
    let r0, r1, r2, r3, r4, r5, r6, r7: UnsafeRawPointer

    @inline(__always)
    init(_ base: UnsafeRawPointer, stride: Int, first: Int, count: Int) {
        func row(_ index: Int) -> UnsafeRawPointer { base + min(first + index, count - 1) * stride }
        (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
        (r4, r5, r6, r7) = (row(4), row(5), row(6), row(7))
    }

    /// Word `word` of each row, broadcast to all lanes.
    @inline(__always)
    func broadcast(word: Int) -> EightWeights {
        func lanes(_ row: UnsafeRawPointer) -> SIMD8<UInt64> {
            SIMD8(repeating: UInt64(littleEndian: row.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)))
        }
        return EightWeights(w0: lanes(r0), w1: lanes(r1), w2: lanes(r2), w3: lanes(r3),
                            w4: lanes(r4), w5: lanes(r5), w6: lanes(r6), w7: lanes(r7))
    }
}

/// One word of eight weight rows, each broadcast.
private struct EightWeights {
    let w0, w1, w2, w3, w4, w5, w6, w7: SIMD8<UInt64>
}

/// Running counts of one activation panel (lanes = its 8 rows) against 8 weight rows.
private struct EightColumns {
    var c0 = SIMD8<UInt64>(), c1 = SIMD8<UInt64>(), c2 = SIMD8<UInt64>(), c3 = SIMD8<UInt64>()
    var c4 = SIMD8<UInt64>(), c5 = SIMD8<UInt64>(), c6 = SIMD8<UInt64>(), c7 = SIMD8<UInt64>()

    @inline(__always)
    mutating func add<Combine: WordCombine>(_: Combine.Type, activations a: SIMD8<UInt64>, weights w: EightWeights) {
        c0 &+= Combine.combine(a, w.w0).nonzeroBitCount
        c1 &+= Combine.combine(a, w.w1).nonzeroBitCount
        c2 &+= Combine.combine(a, w.w2).nonzeroBitCount
        c3 &+= Combine.combine(a, w.w3).nonzeroBitCount
        c4 &+= Combine.combine(a, w.w4).nonzeroBitCount
        c5 &+= Combine.combine(a, w.w5).nonzeroBitCount
        c6 &+= Combine.combine(a, w.w6).nonzeroBitCount
        c7 &+= Combine.combine(a, w.w7).nonzeroBitCount
    }

    /// `add` for the last word, counting only the bits under `mask`.
    @inline(__always)
    mutating func add<Combine: WordCombine>(
        _: Combine.Type, activations a: SIMD8<UInt64>, weights w: EightWeights, mask: SIMD8<UInt64>
    ) {
        c0 &+= (Combine.combine(a, w.w0) & mask).nonzeroBitCount
        c1 &+= (Combine.combine(a, w.w1) & mask).nonzeroBitCount
        c2 &+= (Combine.combine(a, w.w2) & mask).nonzeroBitCount
        c3 &+= (Combine.combine(a, w.w3) & mask).nonzeroBitCount
        c4 &+= (Combine.combine(a, w.w4) & mask).nonzeroBitCount
        c5 &+= (Combine.combine(a, w.w5) & mask).nonzeroBitCount
        c6 &+= (Combine.combine(a, w.w6) & mask).nonzeroBitCount
        c7 &+= (Combine.combine(a, w.w7) & mask).nonzeroBitCount
    }
}

/// Writes 16 rows × 8 counts, row r at `target + r * stride`: row i < 8 from lane i of `upper`'s
/// columns, row 8 + i from `lower`'s.
///
/// Column c of both panels is first narrowed into one 16-lane vector (lane = row r; counts fit in
/// 32 bits), so the 128 counts sit at index 16c + r. "Even lanes of a vector pair, then odd lanes"
/// (one `vpermt2d` each) applied to vectors (0, 1), (2, 3), (4, 5), (6, 7) is a perfect unshuffle
/// of all 128: the index bits rotate right by one. Four rounds turn (c, r) into (r, c), leaving
/// rows 2q and 2q + 1 in vector q.
@inline(__always)
private func storeTransposed(
    _ upper: EightColumns, _ lower: EightColumns, to target: UnsafeMutablePointer<Int32>, stride: Int
) {
    var v0 = narrow(upper.c0, lower.c0), v1 = narrow(upper.c1, lower.c1)
    var v2 = narrow(upper.c2, lower.c2), v3 = narrow(upper.c3, lower.c3)
    var v4 = narrow(upper.c4, lower.c4), v5 = narrow(upper.c5, lower.c5)
    var v6 = narrow(upper.c6, lower.c6), v7 = narrow(upper.c7, lower.c7)
    for _ in 0..<4 {
        (v0, v1, v2, v3, v4, v5, v6, v7) = (even(v0, v1), even(v2, v3), even(v4, v5), even(v6, v7),
                                            odd(v0, v1), odd(v2, v3), odd(v4, v5), odd(v6, v7))
    }
    func store(_ rows: SIMD16<Int32>, pair: Int) {
        UnsafeMutableRawPointer(target + 2 * pair * stride).storeBytes(of: rows.lowHalf, as: SIMD8<Int32>.self)
        UnsafeMutableRawPointer(target + (2 * pair + 1) * stride).storeBytes(of: rows.highHalf, as: SIMD8<Int32>.self)
    }
    store(v0, pair: 0)
    store(v1, pair: 1)
    store(v2, pair: 2)
    store(v3, pair: 3)
    store(v4, pair: 4)
    store(v5, pair: 5)
    store(v6, pair: 6)
    store(v7, pair: 7)
}

/// The even lanes of `a` then those of `b`.
@inline(__always)
private func even(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> { SIMD32(lowHalf: a, highHalf: b).evenHalf }

/// The odd lanes of `a` then those of `b`.
@inline(__always)
private func odd(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> { SIMD32(lowHalf: a, highHalf: b).oddHalf }

/// The 64-bit lanes of `a` then those of `b`, narrowed to 32 bits (the low halves of
/// little-endian 64-bit lanes are the even 32-bit lanes).
@inline(__always)
private func narrow(_ a: SIMD8<UInt64>, _ b: SIMD8<UInt64>) -> SIMD16<Int32> {
    even(unsafeBitCast(a, to: SIMD16<Int32>.self), unsafeBitCast(b, to: SIMD16<Int32>.self))
}
#endif
