// 1-bit GEMM popcount counts with AVX2: count(m, n) = popcount(combine(a_m, w_n)) over all 64-bit
// words of a row, for XOR (±1 × ±1) and AND ({0,1} × ±1). AVX2 has no vector popcount; LLVM
// lowers the 64-bit lane popcount to a vpshufb nibble table plus vpsadbw.
//
// Same layouts as the AVX-512 kernel: activations in 8-row panels (word j of rows 8p…8p+7 is
// 64 contiguous bytes, two 256-bit vectors here), weights read straight from their packed rows,
// each word broadcast. A tile is 8 activation rows × 4 weight rows (8 accumulators).
#if arch(x86_64)

/// XOR popcounts (±1 × ±1 dot products are K − 2·count) of all activation rows against the
/// weight rows; see `andPopcountCountsAVX2` for the layouts, which are the same.
@inline(never)
public func xorPopcountCountsAVX2(
    activationPanels: UnsafePointer<UInt64>, panelPairs: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    countPopcounts(
        XorWords.self, panels: activationPanels, panelCount: 2 * panelPairs, words: words, weights: weights,
        weightStride: weightStride, weightRows: weightRows, lastWordMask: lastWordMask, counts: counts, countStride: countStride)
}

/// AND popcounts ({0,1} × ±1 dot products are 2·count − popcount(a)) of all activation rows
/// against the weight rows.
///
/// - `activationPanels`: `2 * panelPairs` panels of `words` × 8 `UInt64` (word j of panel p at
///   `(p * words + j) * 8`, lane i = activation row 8p + i), bits past K zero.
/// - `weights`: `weightRows` ≥ 1 rows `weightStride` bytes apart, each with `words` readable
///   little-endian 64-bit words; bits past K may hold anything (AND with a zero bit ignores them).
/// - `lastWordMask`: the valid bits of word `words - 1`.
/// - `counts`: `16 * panelPairs` rows, `countStride` (≥ `weightRows` rounded up to a multiple of
///   8) apart: count(m, n) at `m * countStride + n`. Columns past `weightRows` that a tile covers
///   repeat the last weight row.
@inline(never)
public func andPopcountCountsAVX2(
    activationPanels: UnsafePointer<UInt64>, panelPairs: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    countPopcounts(
        AndWords.self, panels: activationPanels, panelCount: 2 * panelPairs, words: words, weights: weights,
        weightStride: weightStride, weightRows: weightRows, lastWordMask: lastWordMask, counts: counts, countStride: countStride)
}

/// How activation words and a broadcast weight word combine before the popcount.
protocol WordCombine {
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64>
    /// Whether weight bits past K can reach the count (then a partial last word is masked).
    static var countsPadding: Bool { get }
}

/// ±1 × ±1: differing bits.
enum XorWords: WordCombine {
    static var countsPadding: Bool { true }

    @inline(__always)
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64> { a ^ w }
}

/// {0,1} × ±1: set activation bits whose weight bit is set.
enum AndWords: WordCombine {
    static var countsPadding: Bool { false }

    @inline(__always)
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64> { a & w }
}

@inline(__always)
private func countPopcounts<Combine: WordCombine>(
    _: Combine.Type, panels: UnsafePointer<UInt64>, panelCount: Int, words: Int,
    weights: UnsafeRawPointer, weightStride: Int, weightRows: Int, lastWordMask: UInt64,
    counts: UnsafeMutablePointer<Int32>, countStride: Int
) {
    // Only XOR of a partial last word can count padding bits (activation padding is zero).
    let maskedWords = Combine.countsPadding && lastWordMask != ~0 ? 1 : 0
    for panel in 0..<panelCount {
        let activations = panels + panel * words * 8
        for quad in 0..<((weightRows + 3) / 4) {
            let rows = WeightRows(weights, stride: weightStride, first: quad * 4, count: weightRows)
            var tile = FourColumns()
            for word in 0..<max(0, words - maskedWords) {
                tile.add(Combine.self, activations: activations + word * 8, weights: rows, word: word)
            }
            if maskedWords == 1 && words > 0 {
                tile.add(Combine.self, activations: activations + (words - 1) * 8, weights: rows, word: words - 1,
                         mask: SIMD4(repeating: lastWordMask))
            }
            tile.storeTransposed(to: counts + 8 * panel * countStride + 4 * quad, stride: countStride)
        }
    }
}

/// Four weight rows (the last one repeated past the end), read word by word.
private struct WeightRows {
    let r0, r1, r2, r3: UnsafeRawPointer

    @inline(__always)
    init(_ base: UnsafeRawPointer, stride: Int, first: Int, count: Int) {
        func row(_ index: Int) -> UnsafeRawPointer { base + min(first + index, count - 1) * stride }
        (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
    }
}

/// Word `word` of `row`, broadcast to all lanes.
@inline(__always)
private func broadcast(_ row: UnsafeRawPointer, word: Int) -> SIMD4<UInt64> {
    SIMD4(repeating: UInt64(littleEndian: row.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)))
}

/// Running counts of one 8-row panel (`low`: rows 0…3, `high`: rows 4…7) against 4 weight rows.
private struct FourColumns {
    var low0 = SIMD4<UInt64>(), low1 = SIMD4<UInt64>(), low2 = SIMD4<UInt64>(), low3 = SIMD4<UInt64>()
    var high0 = SIMD4<UInt64>(), high1 = SIMD4<UInt64>(), high2 = SIMD4<UInt64>(), high3 = SIMD4<UInt64>()

    /// Adds the counts of one word, of only the bits under `mask`.
    @inline(__always)
    mutating func add<Combine: WordCombine>(
        _: Combine.Type, activations: UnsafePointer<UInt64>, weights: WeightRows, word: Int,
        mask: SIMD4<UInt64> = SIMD4(repeating: ~0)
    ) {
        let low = UnsafeRawPointer(activations).loadUnaligned(as: SIMD4<UInt64>.self)
        let high = UnsafeRawPointer(activations + 4).loadUnaligned(as: SIMD4<UInt64>.self)
        let w0 = broadcast(weights.r0, word: word), w1 = broadcast(weights.r1, word: word)
        let w2 = broadcast(weights.r2, word: word), w3 = broadcast(weights.r3, word: word)
        low0 &+= (Combine.combine(low, w0) & mask).nonzeroBitCount
        low1 &+= (Combine.combine(low, w1) & mask).nonzeroBitCount
        low2 &+= (Combine.combine(low, w2) & mask).nonzeroBitCount
        low3 &+= (Combine.combine(low, w3) & mask).nonzeroBitCount
        high0 &+= (Combine.combine(high, w0) & mask).nonzeroBitCount
        high1 &+= (Combine.combine(high, w1) & mask).nonzeroBitCount
        high2 &+= (Combine.combine(high, w2) & mask).nonzeroBitCount
        high3 &+= (Combine.combine(high, w3) & mask).nonzeroBitCount
    }

    /// Writes 8 rows × 4 counts, row r at `target + r * stride`.
    ///
    /// Column c is first narrowed into one 8-lane vector (lane = row; counts fit in 32 bits);
    /// three rounds of "even lanes, then odd lanes" over the 32 counts then rotate the index bits
    /// (column, row) into (row, column), leaving rows 2q and 2q + 1 in vector q.
    @inline(__always)
    func storeTransposed(to target: UnsafeMutablePointer<Int32>, stride: Int) {
        func column(_ low: SIMD4<UInt64>, _ high: SIMD4<UInt64>) -> SIMD8<Int32> {
            // The low halves of little-endian 64-bit lanes are the even 32-bit lanes.
            SIMD16(lowHalf: unsafeBitCast(low, to: SIMD8<Int32>.self), highHalf: unsafeBitCast(high, to: SIMD8<Int32>.self)).evenHalf
        }
        var v0 = column(low0, high0), v1 = column(low1, high1), v2 = column(low2, high2), v3 = column(low3, high3)
        for _ in 0..<3 {
            (v0, v1, v2, v3) = (SIMD16(lowHalf: v0, highHalf: v1).evenHalf, SIMD16(lowHalf: v2, highHalf: v3).evenHalf,
                                SIMD16(lowHalf: v0, highHalf: v1).oddHalf, SIMD16(lowHalf: v2, highHalf: v3).oddHalf)
        }
        func store(_ rows: SIMD8<Int32>, pair: Int) {
            UnsafeMutableRawPointer(target + 2 * pair * stride).storeBytes(of: rows.lowHalf, as: SIMD4<Int32>.self)
            UnsafeMutableRawPointer(target + (2 * pair + 1) * stride).storeBytes(of: rows.highHalf, as: SIMD4<Int32>.self)
        }
        store(v0, pair: 0)
        store(v1, pair: 1)
        store(v2, pair: 2)
        store(v3, pair: 3)
    }
}
#endif
