// The codes-ending integer GEMM (thresholds → packed fields) on every path against the
// definition: naive accumulators, then "count the boundaries passed", packed with setCode.
import Testing
import QVKernels

/// Random thresholds for `columns` columns around accumulators of magnitude `spread`: sorted
/// upper ones, and (when `lower`) lower ones below them. Row-major [2·B][columns].
private func randomThresholds(format: QuantFormat, columns: Int, spread: Int32, lower: Bool,
                              using generator: inout SeededGenerator) -> [Int32] {
    let b = CodeThresholds.boundaries(of: format)
    var table = [Int32](repeating: .min, count: 2 * b * columns)
    for n in 0..<columns {
        let uppers = (0..<b).map { _ in Int32.random(in: -spread...spread, using: &generator) }.sorted()
        for j in 0..<b { table[j * columns + n] = uppers[j] }
        if lower {
            for j in 0..<b where Bool.random(using: &generator) {
                table[(b + j) * columns + n] = uppers[0] - Int32.random(in: 1...spread + 1, using: &generator)
            }
        }
    }
    if Bool.random(using: &generator), columns > 0 { table[0] = .min }   // a boundary every accumulator passes
    return table
}

/// Index of the first differing byte, if any (short failure messages for long buffers).
private func firstDifference(_ x: [UInt8], _ y: [UInt8]) -> Int? {
    guard x.count == y.count else { return min(x.count, y.count) }
    return x.indices.first { x[$0] != y[$0] }
}

/// The definition, independently of `CodeThresholds.field`.
private func expectedField(_ acc: Int32, column n: Int, table: [Int32], stride: Int, boundaries b: Int) -> Int32 {
    let c = stride == 1 ? 0 : n
    var field: Int32 = 0
    for j in 0..<b where acc >= table[j * stride + c] || acc <= table[(b + j) * stride + c] { field += 1 }
    return field
}

private let codesPairs = [FormatPair(a: .binary, w: .binary), FormatPair(a: .unsigned1, w: .binary),
                          FormatPair(a: .unsigned2, w: .signed2), FormatPair(a: .signed2, w: .signed2),
                          FormatPair(a: .unsigned8, w: .signed8)]
private let outputFormats: [QuantFormat] = [.binary, .unsigned1, .signed2, .unsigned2]

@Suite struct CodesGemmTests {
    @Test(arguments: codesPairs)
    func fieldsMatchTheDefinitionOnEveryPathAndShape(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 0x7E5)
        for format in outputFormats {
            for (m, n, k) in [(1, 1, 7), (3, 5, 65), (17, 33, 130), (130, 100, 384), (2, 64, 513)] {
                let (a, aCodes) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
                let (w, wCodes) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
                let acc = naiveAccumulators(aCodes, wCodes, m: m, n: n, k: k)
                let spread = Int32(max(1, acc.map { abs($0) }.max() ?? 1))
                for (perColumn, lower) in [(true, false), (true, true), (false, false), (false, true)] {
                    let columns = perColumn ? n : 1
                    let table = randomThresholds(format: format, columns: columns, spread: spread, lower: lower,
                                                 using: &generator)
                    let expected = PackedBuffer(rows: m, columns: n, format: format)
                    for r in 0..<m {
                        for c in 0..<n {
                            let field = expectedField(acc[r * n + c], column: c, table: table, stride: perColumn ? n : 1,
                                                      boundaries: CodeThresholds.boundaries(of: format))
                            expected.matrix.setCode(format.code(ofField: UInt8(field)), row: r, column: c)
                        }
                    }
                    expected.matrix.writePadding()
                    for path in KernelPath.supported {
                        let output = PackedBuffer(rows: m, columns: n, format: format)
                        try table.withUnsafeBufferPointer { t throws(KernelError) in
                            let thresholds = CodeThresholds(format: format, table: t.baseAddress!, columns: perColumn ? n : 0,
                                                            hasLower: lower)!
                            try integerGemm(a.packed, w.packed, thresholds: thresholds,
                                            output: CodesOutput(base: output.matrix.base, rowStride: output.matrix.rowStride,
                                                                headColumns: n),
                                            path: path)
                        }
                        #expect(firstDifference(output.bytes, expected.bytes) == nil, "\(pair) → \(format) \(path) \(m)×\(n)×\(k) perColumn \(perColumn) lower \(lower)")
                        #expect(output.guardIntact)
                    }
                }
            }
        }
    }

    /// Two column halves written separately into per-head rows (as a 2-thread linear layer
    /// writes q or k) give the bytes of the whole product written at once, on every path.
    @Test(arguments: [FormatPair(a: .binary, w: .binary), FormatPair(a: .unsigned2, w: .signed2)])
    func splitColumnsIntoHeadsEqualTheWholeProduct(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 41)
        let (m, k, heads, headColumns) = (37, 96, 6, 32)
        let n = heads * headColumns
        let (a, aCodes) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
        let (w, wCodes) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
        let acc = naiveAccumulators(aCodes, wCodes, m: m, n: n, k: k)
        for format in [QuantFormat.binary, .signed2] {
            let table = randomThresholds(format: format, columns: n, spread: Int32(acc.map { abs($0) }.max()!), lower: true,
                                         using: &generator)
            let rowStride = packedRowStride(columns: headColumns, format: format), headStride = m * rowStride
            var expected = [UInt8](repeating: 0, count: heads * headStride)
            for h in 0..<heads {
                let head = PackedBuffer(rows: m, columns: headColumns, format: format)
                for r in 0..<m {
                    for c in 0..<headColumns {
                        let column = h * headColumns + c
                        let field = expectedField(acc[r * n + column], column: column, table: table, stride: n,
                                                  boundaries: CodeThresholds.boundaries(of: format))
                        head.matrix.setCode(format.code(ofField: UInt8(field)), row: r, column: c)
                    }
                }
                head.matrix.writePadding()
                expected.replaceSubrange(h * headStride..<(h + 1) * headStride, with: head.bytes)
            }
            for path in KernelPath.supported {
                let output = PackedBuffer(rows: heads * m, columns: headColumns, format: format)
                try table.withUnsafeBufferPointer { t throws(KernelError) in
                    let all = CodeThresholds(format: format, table: t.baseAddress!, columns: n, hasLower: true)!
                    for columns in [0..<80, 80..<n] {   // 80 = 2.5 heads: a split inside a head
                        let slice = PackedMatrix(base: w.packed.base + columns.lowerBound * w.packed.rowStride,
                                                 rows: columns.count, columns: k, rowStride: w.packed.rowStride, format: pair.w)
                        try integerGemm(a.packed, slice, thresholds: all.fromColumn(columns.lowerBound),
                                        output: CodesOutput(base: output.matrix.base, rowStride: rowStride,
                                                            headColumns: headColumns, headStride: headStride,
                                                            columnOrigin: columns.lowerBound),
                                        path: path)
                    }
                }
                #expect(firstDifference(output.bytes, expected) == nil, "\(pair) → \(format) \(path)")
            }
        }
    }

    @Test func refusesOutputsThatSplitBytes() {
        let (a, _) = { var g = SeededGenerator(seed: 1); return randomPacked(rows: 2, columns: 8, format: .binary, using: &g) }()
        let table = [Int32](repeating: 0, count: 2)
        table.withUnsafeBufferPointer { t in
            let thresholds = CodeThresholds(format: .binary, table: t.baseAddress!, columns: 0, hasLower: false)!
            let output = PackedBuffer(rows: 2, columns: 12, format: .binary)
            #expect(throws: KernelError.self) {
                try integerGemm(a.packed, a.packed, thresholds: thresholds,
                                output: CodesOutput(base: output.matrix.base, rowStride: output.matrix.rowStride,
                                                    headColumns: 12, columnOrigin: 3),
                                path: .scalar)
            }
        }
    }
}
