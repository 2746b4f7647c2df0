/// Portable 1-bit GEMM by popcount: rows as little-endian UInt64 words, 4 activation rows × 4
/// weight rows per tile, `SIMD4<UInt64>` combine + `nonzeroBitCount` per word.
/// XOR-popcount gives ±1 × ±1 dot products, AND-popcount gives {0,1} × ±1 ones. The last word
/// of every row is masked to the K valid bits, so padding bits never count.

/// How one pair of 64-bit words combines, and how popcounts become dot products.
protocol PopcountCombine {
    /// The word whose set bits are counted.
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64>
    /// Dot products from the counts of one activation row against four weight rows, given the
    /// depth K and the number of set bits in the activation row.
    static func dotProducts(counts: SIMD4<UInt64>, depth: Int32, activationOnes: Int32) -> SIMD4<Int32>
}

/// ±1 × ±1: agreeing bits add 1, differing bits subtract 1.
enum XorPopcount: PopcountCombine {
    @inline(__always)
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64> { a ^ w }

    @inline(__always)
    static func dotProducts(counts: SIMD4<UInt64>, depth: Int32, activationOnes: Int32) -> SIMD4<Int32> {
        depth &- 2 &* SIMD4<Int32>(truncatingIfNeeded: counts)
    }
}

/// {0,1} × ±1: each set activation bit adds +1 or −1 by its weight bit.
enum AndPopcount: PopcountCombine {
    @inline(__always)
    static func combine(_ a: SIMD4<UInt64>, _ w: SIMD4<UInt64>) -> SIMD4<UInt64> { a & w }

    @inline(__always)
    static func dotProducts(counts: SIMD4<UInt64>, depth: Int32, activationOnes: Int32) -> SIMD4<Int32> {
        2 &* SIMD4<Int32>(truncatingIfNeeded: counts) &- activationOnes
    }
}

func binaryGemmPortable<Combine: PopcountCombine>(
    _ a: PackedMatrix, _ w: PackedMatrix, combine: Combine.Type, into destination: GemmDestination
) {
    let words = (a.columns + 63) / 64
    let activationBlocks = (a.rows + 3) / 4
    let activations = WordPanels(panels: activationBlocks, words: words)
    defer { activations.deallocate() }
    for block in 0..<activationBlocks { activations.fill(from: a, firstRow: block * 4, panel: block) }
    let weights = WordPanels(panels: 1, words: words)
    defer { weights.deallocate() }
    let depth = Int32(truncatingIfNeeded: a.columns)

    for n in stride(from: 0, to: w.rows, by: 4) {
        weights.fill(from: w, firstRow: n, panel: 0)
        let weightWords = weights.panel(0)
        for block in 0..<activationBlocks {
            let counts = popcountTile(activations.panel(block), weightWords, words: words, combine: Combine.self)
            for i in 0..<min(4, a.rows - block * 4) {
                let row = block * 4 + i
                let dots = Combine.dotProducts(counts: counts[i], depth: depth, activationOnes: activations.ones[row])
                destination.store(dots, row: row, column: n)
            }
        }
    }
}

/// Counts of combine(a_i, w_j) over all words for a 4×4 tile; row i holds a_i's four counts.
@inline(__always)
private func popcountTile<Combine: PopcountCombine>(
    _ a: UnsafePointer<SIMD4<UInt64>>, _ w: UnsafePointer<SIMD4<UInt64>>, words: Int, combine: Combine.Type
) -> FourRows<SIMD4<UInt64>> {
    var c0 = SIMD4<UInt64>(), c1 = SIMD4<UInt64>(), c2 = SIMD4<UInt64>(), c3 = SIMD4<UInt64>()
    for word in 0..<words {
        let av = a[word], wv = w[word]
        c0 &+= Combine.combine(SIMD4(repeating: av[0]), wv).nonzeroBitCount
        c1 &+= Combine.combine(SIMD4(repeating: av[1]), wv).nonzeroBitCount
        c2 &+= Combine.combine(SIMD4(repeating: av[2]), wv).nonzeroBitCount
        c3 &+= Combine.combine(SIMD4(repeating: av[3]), wv).nonzeroBitCount
    }
    return FourRows(row0: c0, row1: c1, row2: c2, row3: c3)
}

/// The four rows of a GEMM tile's results.
private struct FourRows<Row> {
    let row0, row1, row2, row3: Row

    subscript(index: Int) -> Row {
        switch index {
        case 0: return row0
        case 1: return row1
        case 2: return row2
        default: return row3
        }
    }
}

/// Rows of a 1-bit matrix regrouped four at a time: word j of the four rows of panel p is
/// `panel(p)[j]`, lane i being row 4p + i. Rows past the matrix are zero; each row's last word
/// is masked to its valid bits.
private struct WordPanels {
    let storage: UnsafeMutablePointer<SIMD4<UInt64>>
    /// Set bits per row (valid bits only), for AND-popcount.
    let ones: UnsafeMutablePointer<Int32>
    let words: Int

    init(panels: Int, words: Int) {
        self.words = words
        storage = .allocate(capacity: max(1, panels * words))
        ones = .allocate(capacity: max(1, panels * 4))
    }

    func panel(_ index: Int) -> UnsafePointer<SIMD4<UInt64>> { UnsafePointer(storage + index * words) }

    /// Copies rows `firstRow ..< firstRow + 4` of `matrix` into panel `panel`.
    func fill(from matrix: PackedMatrix, firstRow: Int, panel: Int) {
        let valid = matrix.columns % 64
        let lastMask: UInt64 = valid == 0 ? ~0 : (1 << UInt64(valid)) &- 1
        let target = storage + panel * words
        target.update(repeating: SIMD4(), count: words)
        for lane in 0..<4 {
            let row = firstRow + lane
            var count: Int32 = 0
            if row < matrix.rows {
                let start = matrix.rowStart(row)
                for word in 0..<words {
                    var bits = UInt64(littleEndian: start.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self))
                    if word == words - 1 { bits &= lastMask }
                    target[word][lane] = bits
                    count &+= Int32(bits.nonzeroBitCount)
                }
            }
            ones[panel * 4 + lane] = count
        }
    }

    func deallocate() {
        storage.deallocate()
        ones.deallocate()
    }
}
