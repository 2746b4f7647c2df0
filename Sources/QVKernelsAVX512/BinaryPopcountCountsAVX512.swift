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

@inline(__always)
private func countPopcounts<Combine: WordCombine>(
    _: Combine.Type, panels: UnsafePointer<UInt64>, panelPairs: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    // Only XOR of a partial last word can count padding bits (activation padding is zero).
    let maskedWords = Combine.countsPadding && lastWordMask != ~0 ? 1 : 0
    let mask = SIMD8<UInt64>(repeating: lastWordMask)
    let groups = (weightRows + 7) / 8
    for group in 0..<groups {
        let rows = WeightRows(weights, stride: weightStride, first: group * 8, count: weightRows)
        for pair in 0..<panelPairs {
            let first = panels + 2 * pair * words * 8
            let second = first + words * 8
            var upper = EightColumns(), lower = EightColumns()
            for word in 0..<max(0, words - maskedWords) {
                let w = rows.broadcast(word: word)
                upper.add(Combine.self, activations: load(first, word: word), weights: w)
                lower.add(Combine.self, activations: load(second, word: word), weights: w)
            }
            if maskedWords == 1 && words > 0 {
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
/// A transpose by "even lanes, then odd lanes" of two vectors (one `vpermt2d` each), which moves
/// the lowest lane-index bit of an element into the output's vector index and the pair's
/// distinguishing vector bit into the top lane bit. The first step also narrows the 64-bit counts
/// to 32 bits (they fit), pairing columns 2k and 2k + 1, so each vector starts as lane bits
/// (c0 r2 r1 r0) for row r, column c; three more steps pair on c1, then c2, then the panel r3,
/// leaving lane bits (r3 c2 c1 c0): the vector for row bits (r2 r1 r0) holds that row of the
/// upper panel in its low half and of the lower panel in its high half.
@inline(__always)
private func storeTransposed(
    _ upper: EightColumns, _ lower: EightColumns, to target: UnsafeMutablePointer<Int32>, stride: Int
) {
    let top = RowHalves(upper), bottom = RowHalves(lower)
    func store(_ rows: SIMD16<Int32>, row: Int) {
        UnsafeMutableRawPointer(target + row * stride).storeBytes(of: rows.lowHalf, as: SIMD8<Int32>.self)
        UnsafeMutableRawPointer(target + (row + 8) * stride).storeBytes(of: rows.highHalf, as: SIMD8<Int32>.self)
    }
    store(even(top.lowBits00, bottom.lowBits00), row: 0)
    store(even(top.lowBits01, bottom.lowBits01), row: 1)
    store(even(top.lowBits10, bottom.lowBits10), row: 2)
    store(even(top.lowBits11, bottom.lowBits11), row: 3)
    store(odd(top.lowBits00, bottom.lowBits00), row: 4)
    store(odd(top.lowBits01, bottom.lowBits01), row: 5)
    store(odd(top.lowBits10, bottom.lowBits10), row: 6)
    store(odd(top.lowBits11, bottom.lowBits11), row: 7)
}

/// One panel's counts after three transpose steps: `lowBits<r1><r0>` holds, of the rows whose low
/// bits are (r1 r0), all 8 columns of row r2 = 0 (lanes 0…7) and of row r2 = 1 (lanes 8…15).
private struct RowHalves {
    let lowBits00, lowBits01, lowBits10, lowBits11: SIMD16<Int32>

    @inline(__always)
    init(_ panel: EightColumns) {
        // Narrow, pairing columns 2k, 2k + 1: lanes (c0 r2 r1 r0).
        let n0 = narrow(panel.c0, panel.c1), n1 = narrow(panel.c2, panel.c3)
        let n2 = narrow(panel.c4, panel.c5), n3 = narrow(panel.c6, panel.c7)
        // Pair on c1: lanes (c1 c0 r2 r1), r0 now in the vector index.
        let c2lo0 = even(n0, n1), c2lo1 = odd(n0, n1), c2hi0 = even(n2, n3), c2hi1 = odd(n2, n3)
        // Pair on c2: lanes (c2 c1 c0 r2), r1 r0 in the vector index.
        (lowBits00, lowBits01) = (even(c2lo0, c2hi0), even(c2lo1, c2hi1))
        (lowBits10, lowBits11) = (odd(c2lo0, c2hi0), odd(c2lo1, c2hi1))
    }
}

/// The even lanes of `a` then those of `b`.
@inline(__always)
private func even(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> { SIMD32(lowHalf: a, highHalf: b).evenHalf }

/// The odd lanes of `a` then those of `b`.
@inline(__always)
private func odd(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>) -> SIMD16<Int32> { SIMD32(lowHalf: a, highHalf: b).oddHalf }

/// The 64-bit lanes of `a` then those of `b`, as 32-bit values (the low halves of little-endian
/// 64-bit lanes are the even 32-bit lanes).
@inline(__always)
private func narrow(_ a: SIMD8<UInt64>, _ b: SIMD8<UInt64>) -> SIMD16<Int32> {
    even(unsafeBitCast(a, to: SIMD16<Int32>.self), unsafeBitCast(b, to: SIMD16<Int32>.self))
}
#endif
