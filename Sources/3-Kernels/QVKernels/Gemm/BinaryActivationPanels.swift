/// 1-bit activation rows regrouped for the binary GEMM kernels: panels of 8 rows in which word j
/// of the 8 rows is one run of 8 `UInt64` (64 bytes, lane i = row 8p + i), so one vector load
/// gives a word of 8 rows. Built once per product in caller-provided scratch (M·K bits, small next
/// to the weights, which the kernels read in place) and shared by every worker. The panel count is even (the AVX-512 tile takes two panels);
/// rows past M and bits past K are zero, and each row's set bits are counted for AND-popcount.
struct BinaryActivationPanels {
    /// 64-bit words per row.
    let words: Int
    /// Pairs of 8-row panels (16 · `panelPairs` rows ≥ M).
    let panelPairs: Int
    /// The valid bits of word `words - 1` (all ones when K is a multiple of 64).
    let lastWordMask: UInt64
    /// `2 · panelPairs · words · 8` words, 64-byte aligned.
    let storage: UnsafeMutablePointer<UInt64>
    /// Set bits of each row (valid bits only), `16 · panelPairs` entries.
    let ones: UnsafeMutablePointer<Int32>

    /// Panel rows, M rounded up to a multiple of 16.
    var rows: Int { 16 * panelPairs }

    /// The scratch of panels for `rows` × `columns` bits: the panel words, then the row counts.
    static func parts(rows: Int, columns: Int) -> ScratchParts {
        let panelRows = 16 * ((rows + 15) / 16)
        return ScratchParts(panelRows * ((columns + 63) / 64) * 8, panelRows * 4)
    }

    /// The panels of an `rows` × `columns` matrix laid out at `scratch` (`parts` bytes), as they
    /// are once `fill` has run.
    init(rows: Int, columns: Int, at scratch: UnsafeMutableRawPointer) {
        words = (columns + 63) / 64
        panelPairs = (rows + 15) / 16
        let valid = columns % 64
        lastWordMask = valid == 0 ? ~0 : (1 << UInt64(valid)) &- 1
        let parts = Self.parts(rows: rows, columns: columns)
        var carver = ScratchCarver(scratch)
        storage = carver.take(parts.first).bindMemory(to: UInt64.self, capacity: 16 * panelPairs * words)
        ones = carver.take(parts.second).bindMemory(to: Int32.self, capacity: 16 * panelPairs)
    }

    /// Copies the rows of `matrix` (any 1-bit format, the shape these panels were laid out for)
    /// into the panels, zeroing the padding rows and bits.
    func fill(from matrix: PackedMatrix) {
        storage.initialize(repeating: 0, count: 16 * panelPairs * words)
        ones.initialize(repeating: 0, count: 16 * panelPairs)
        for row in 0..<matrix.rows { copyRow(row, of: matrix) }
    }

    private func copyRow(_ row: Int, of matrix: PackedMatrix) {
        let source = matrix.rowStart(row)
        let target = storage + (row / 8) * words * 8 + row % 8
        var count: Int32 = 0
        for word in 0..<words {
            var bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self))
            if word == words - 1 { bits &= lastWordMask }
            target[word * 8] = bits
            count &+= Int32(truncatingIfNeeded: bits.nonzeroBitCount)
        }
        ones[row] = count
    }

    /// Word `word` of panel `panel` (8 lanes) starts here.
    func word(_ word: Int, ofPanel panel: Int) -> UnsafePointer<UInt64> {
        UnsafePointer(storage + (panel * words + word) * 8)
    }
}
