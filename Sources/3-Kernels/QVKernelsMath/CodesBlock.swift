/// The GEMM epilogue that ends in codes: Int32 accumulators → packed 1- or 2-bit fields by
/// comparison with per-column integer thresholds, with no floating point at all. A field is the
/// number of boundaries j whose test `acc ≥ upper[j] || acc ≤ lower[j]` holds (the compiler
/// derives the thresholds from the FP32 epilogue and the next quantizer, see `CodeThresholds`).

/// One block's thresholds, as plain pointers: boundary j of column c is `upper[j·stride + c]`
/// and (when `hasLower`) `upper[(count + j)·stride + c]`, with c = 0 for every column when `shared`.
public struct CodeBoundaries {
    /// Upper thresholds of the block's first column, then its lower ones.
    public var upper: UnsafePointer<Int32>
    /// Int32s between the rows of the table.
    public var stride: Int
    /// Whether every column uses column 0's thresholds.
    public var shared: Bool
    /// Boundaries per column (1 for 1-bit codes, 3 for 2-bit).
    public var count: Int
    /// Whether lower thresholds are present.
    public var hasLower: Bool
    /// Bits per field (1 or 2).
    public var bits: Int
    /// 16 padding fields packed, and one byte of them.
    public var paddingWord: UInt32, paddingByte: UInt8

    /// Thresholds of one block.
    @inlinable
    public init(upper: UnsafePointer<Int32>, stride: Int, shared: Bool, count: Int, hasLower: Bool, bits: Int,
                paddingWord: UInt32, paddingByte: UInt8) {
        self.upper = upper
        self.stride = stride
        self.shared = shared
        self.count = count
        self.hasLower = hasLower
        self.bits = bits
        self.paddingWord = paddingWord
        self.paddingByte = paddingByte
    }

    /// Lanes `column ..< column + 16` of table row `row` (lanes past `lanes` get `filler`).
    @_alwaysEmitIntoClient @inline(__always)
    func load(row: Int, column: Int, lanes: Int, filler: Int32) -> SIMD16<Int32> {
        if shared { return SIMD16(repeating: upper[row * stride]) }
        let start = upper + row * stride + column
        if lanes == 16 { return UnsafeRawPointer(start).loadUnaligned(as: SIMD16<Int32>.self) }
        var v = SIMD16<Int32>(repeating: filler)
        for lane in 0..<lanes { v[lane] = start[lane] }
        return v
    }
}

extension Lanes16 {
    /// Turns `rows` × `count` accumulators (after `transform`) into packed fields, row r's at
    /// `output + r·outputStride` (a byte-aligned run of `count` fields), then fills `padBytes`
    /// bytes after each row's fields with padding (0 when the run does not end the row).
    @_alwaysEmitIntoClient @inline(__always)
    public static func codesBlock(
        _ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, count: Int,
        transform: AccumulatorTransform, _ b: CodeBoundaries,
        output: UnsafeMutableRawPointer, outputStride: Int, padBytes: Int
    ) {
        var column = 0
        while column < count {
            let lanes = min(16, count - column)
            let upper1 = b.load(row: 0, column: column, lanes: lanes, filler: .max)
            let lower1 = b.hasLower ? b.load(row: b.count, column: column, lanes: lanes, filler: .min) : SIMD16(repeating: .min)
            var upper2 = SIMD16<Int32>(repeating: .max), lower2 = SIMD16<Int32>(repeating: .min)
            var upper3 = upper2, lower3 = lower2
            if b.count == 3 {
                upper2 = b.load(row: 1, column: column, lanes: lanes, filler: .max)
                upper3 = b.load(row: 2, column: column, lanes: lanes, filler: .max)
                if b.hasLower {
                    lower2 = b.load(row: 4, column: column, lanes: lanes, filler: .min)
                    lower3 = b.load(row: 5, column: column, lanes: lanes, filler: .min)
                }
            }
            let byteCount = (lanes * b.bits + 7) / 8, keep: UInt32 = lanes == 16 ? ~0 : (1 << UInt32(lanes * b.bits)) &- 1
            let padding = b.paddingWord & ~keep
            @inline(__always)
            func transformed(row: Int) -> SIMD16<Int32> {
                let addend = transform.addend(row: row)
                let source = accumulators + row * accumulatorStride + column
                var acc = SIMD16<Int32>()
                if lanes == 16 {
                    acc = UnsafeRawPointer(source).loadUnaligned(as: SIMD16<Int32>.self)
                } else {
                    for lane in 0..<lanes { acc[lane] = source[lane] }
                }
                return acc &* transform.multiplier &+ addend
            }
            @inline(__always)
            func store(_ word: UInt32, row: Int) {
                storePrefix((word & keep) | padding, to: output + row * outputStride + column * b.bits / 8, byteCount: byteCount)
            }
            // One loop per shape of the test, so the common ones (one boundary, no lower
            // threshold) carry nothing else.
            switch (b.count, b.hasLower) {
            case (1, false):
                for row in 0..<rows { store(UInt32(ISA.laneBits(transformed(row: row) .>= upper1)), row: row) }
            case (1, true):
                for row in 0..<rows {
                    let acc = transformed(row: row)
                    store(UInt32(ISA.laneBits((acc .>= upper1) .| (acc .<= lower1))), row: row)
                }
            case (_, false):
                for row in 0..<rows {
                    let acc = transformed(row: row)
                    // Without lower thresholds the masks of sorted boundaries are nested in practice,
                    // but the field is still counted exactly: parity low, majority high.
                    let first = ISA.laneBits(acc .>= upper1), second = ISA.laneBits(acc .>= upper2)
                    let third = ISA.laneBits(acc .>= upper3)
                    store(ISA.interleaveBits(first ^ second ^ third, (first & second) | (third & (first | second))), row: row)
                }
            default:
                for row in 0..<rows {
                    let acc = transformed(row: row)
                    let first = ISA.laneBits((acc .>= upper1) .| (acc .<= lower1))
                    let second = ISA.laneBits((acc .>= upper2) .| (acc .<= lower2))
                    let third = ISA.laneBits((acc .>= upper3) .| (acc .<= lower3))
                    // field = first + second + third: parity is its low bit, majority its high bit.
                    store(ISA.interleaveBits(first ^ second ^ third, (first & second) | (third & (first | second))), row: row)
                }
            }
            column += 16
        }
        if padBytes > 0 {
            let end = (count * b.bits + 7) / 8
            for row in 0..<rows {
                (output + row * outputStride + end).initializeMemory(as: UInt8.self, repeating: b.paddingByte, count: padBytes)
            }
        }
    }
}
