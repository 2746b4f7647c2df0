// The integer GEMM in caller-provided scratch: it allocates nothing (counted by the interposed
// allocators of CAllocationCounter), and activations prepared once then multiplied in column
// pieces give the bits of the one-piece product, for odd shapes and any number of pieces.
import CAllocationCounter
import Testing
import QVKernels

/// Heap allocations the calling thread makes in `body`.
func allocations(in body: () throws -> Void) rethrows -> Int64 {
    qv_allocation_counting_begin()
    defer { _ = qv_allocation_counting_end() }
    try body()
    return qv_allocation_counting_end()
}

/// Whether this build's kernels can be held to zero allocations: debug builds leave the SIMD
/// generics of the row kernels unspecialized, and the runtime boxes their values on the heap.
#if DEBUG
let kernelsAreOptimized = false
#else
let kernelsAreOptimized = true
#endif

/// 64-byte aligned scratch of at least 64 bytes, freed by the caller.
private func scratch(_ bytes: Int) -> UnsafeMutableRawPointer {
    UnsafeMutableRawPointer.allocate(byteCount: max(64, bytes), alignment: 64)
}

/// Columns of piece `piece` of `pieces` over `n` columns, split at multiples of 16.
private func pieceColumns(_ piece: Int, of pieces: Int, columns n: Int) -> Range<Int> {
    let granules = (n + 15) / 16
    return min(n, piece * granules / pieces * 16)..<min(n, (piece + 1) * granules / pieces * 16)
}

/// Rows `range` of `w`.
private func rows(_ range: Range<Int>, of w: PackedMatrix) -> PackedMatrix {
    PackedMatrix(base: w.base + range.lowerBound * w.rowStride, rows: range.count, columns: w.columns,
                 rowStride: w.rowStride, format: w.format)
}

private let scratchPairs = [FormatPair(a: .binary, w: .binary), FormatPair(a: .unsigned1, w: .binary),
                            FormatPair(a: .unsigned2, w: .signed2), FormatPair(a: .unsigned8, w: .signed8)]

@Suite struct GemmScratchTests {
    @Test func theCounterCatchesAllocations() {
        guard qv_allocation_counting_works() != 0 else { return }
        let plain = allocations { UnsafeMutablePointer<Int32>.allocate(capacity: 100).deallocate() }
        let aligned = allocations { UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 64).deallocate() }
        let array = allocations { #expect([Int32](repeating: 7, count: 1000).count == 1000) }
        #expect(plain == 1 && aligned == 1 && array >= 1)
        // The convenience form allocates its own scratch: the counter sees that too.
        var generator = SeededGenerator(seed: 5)
        let (a, _) = randomPacked(rows: 9, columns: 70, format: .unsigned2, using: &generator)
        let (w, _) = randomPacked(rows: 20, columns: 70, format: .signed2, using: &generator)
        var output = [Float](repeating: 0, count: 9 * 20)
        output.withUnsafeMutableBufferPointer { out in
            let count = allocations {
                try? integerGemm(a.packed, w.packed, epilogue: Epilogue(), output: out.baseAddress!, outputStride: 20,
                                 path: .best)
            }
            #expect(count >= 2)
        }
    }

    @Test(.enabled(if: kernelsAreOptimized, "debug builds box unspecialized SIMD values"), arguments: scratchPairs)
    func integerGemmAllocatesNothingGivenItsScratch(pair: FormatPair) throws {
        guard qv_allocation_counting_works() != 0 else { return }
        var generator = SeededGenerator(seed: 77)
        let (m, n, k) = (37, 70, 130)
        let (a, _) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
        let (w, _) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
        let table = [Int32](repeating: 3, count: CodeThresholds.boundaries(of: .signed2) * 2 * n)
        let codes = PackedBuffer(rows: m, columns: n, format: .signed2)
        var output = [Float](repeating: 0, count: m * n)
        for path in KernelPath.supported {
            let floats = IntegerGemmScratch(activations: pair.a, weights: pair.w, rows: m, columns: n, depth: k,
                                            endsInCodes: false, path: path)
            let fields = IntegerGemmScratch(activations: pair.a, weights: pair.w, rows: m, columns: n, depth: k,
                                            endsInCodes: true, path: path)
            #expect(floats.preparedBytes == fields.preparedBytes)
            let prepared = scratch(floats.preparedBytes)
            let multiply = scratch(max(floats.multiplyBytes, fields.multiplyBytes))
            defer { prepared.deallocate(); multiply.deallocate() }
            try table.withUnsafeBufferPointer { t in
                let thresholds = CodeThresholds(format: .signed2, table: t.baseAddress!, columns: n, hasLower: true)!
                let destination = CodesOutput(base: codes.matrix.base, rowStride: codes.matrix.rowStride, headColumns: n)
                try output.withUnsafeMutableBufferPointer { out in
                    let count = try allocations {
                        let p = try prepareActivations(a.packed, weights: pair.w, path: path, scratch: prepared,
                                                       scratchBytes: floats.preparedBytes)
                        try integerGemm(p, w.packed, epilogue: Epilogue(scale: .scalar(0.5)), output: out.baseAddress!,
                                        outputStride: n, scratch: multiply, scratchBytes: floats.multiplyBytes)
                        try integerGemm(p, w.packed, thresholds: thresholds, output: destination, scratch: multiply,
                                        scratchBytes: fields.multiplyBytes)
                    }
                    #expect(count == 0, "\(pair) \(path): \(count) allocations")
                }
            }
        }
    }

    @Test(.enabled(if: kernelsAreOptimized, "debug builds box unspecialized SIMD values"))
    func floatPanelGemmAllocatesNothing() {
        guard qv_allocation_counting_works() != 0 else { return }
        let (m, n, k) = (37, 70, 130)
        let a = [Float](repeating: 0.25, count: m * k), bias = [Float](repeating: 1, count: n)
        var panels = [Float](repeating: 0.5, count: floatPanelCount(rows: n, columns: k))
        var output = [Float](repeating: 0, count: m * n)
        panels.withUnsafeMutableBufferPointer { p in
            a.withUnsafeBufferPointer { aBuffer in
                bias.withUnsafeBufferPointer { b in
                    output.withUnsafeMutableBufferPointer { out in
                        for path in KernelPath.supported {
                            let count = allocations {
                                floatPanelGemm(a: aBuffer.baseAddress!, lda: k, b: FloatPanels(packed: p.baseAddress!, depth: k),
                                               m: m, n: n, k: k, epilogue: Epilogue(bias: b.baseAddress!, activation: .gelu),
                                               output: out.baseAddress!, outputStride: n, path: path)
                            }
                            #expect(count == 0, "\(path): \(count) allocations")
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: scratchPairs)
    func preparedOnceAndSplitEqualsTheOnePieceProduct(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 2024)
        for (m, n, k) in [(1, 1, 1), (5, 37, 65), (37, 130, 200), (100, 97, 513)] {
            let (a, _) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
            let (w, _) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
            let scale = (0..<n).map { _ in Float.random(in: 0.01...1, using: &generator) }
            let table = (0..<(2 * 3 * n)).map { _ in Int32.random(in: -40...40, using: &generator) }
            try scale.withUnsafeBufferPointer { s in
                try table.withUnsafeBufferPointer { t in
                    let thresholds = CodeThresholds(format: .unsigned2, table: t.baseAddress!, columns: n, hasLower: false)!
                    for path in KernelPath.supported {
                        var whole = [Float](repeating: .nan, count: m * n)
                        try whole.withUnsafeMutableBufferPointer { out in
                            try integerGemm(a.packed, w.packed, epilogue: Epilogue(scale: .perColumn(s.baseAddress!)),
                                            output: out.baseAddress!, outputStride: n, path: path)
                        }
                        let wholeCodes = PackedBuffer(rows: m, columns: n, format: .unsigned2)
                        try integerGemm(a.packed, w.packed, thresholds: thresholds,
                                        output: CodesOutput(base: wholeCodes.matrix.base, rowStride: wholeCodes.matrix.rowStride,
                                                            headColumns: n), path: path)
                        let sizes = IntegerGemmScratch(activations: pair.a, weights: pair.w, rows: m, columns: n, depth: k,
                                                       endsInCodes: true, path: path)
                        let preparedScratch = scratch(sizes.preparedBytes)
                        defer { preparedScratch.deallocate() }
                        let prepared = try prepareActivations(a.packed, weights: pair.w, path: path, scratch: preparedScratch,
                                                              scratchBytes: sizes.preparedBytes)
                        for pieces in 1...4 {
                            var split = [Float](repeating: .nan, count: m * n)
                            let splitCodes = PackedBuffer(rows: m, columns: n, format: .unsigned2)
                            for piece in (0..<pieces).reversed() {
                                let columns = pieceColumns(piece, of: pieces, columns: n)
                                guard !columns.isEmpty else { continue }
                                let multiply = scratch(sizes.multiplyBytes)
                                defer { multiply.deallocate() }
                                try split.withUnsafeMutableBufferPointer { out in
                                    try integerGemm(prepared, rows(columns, of: w.packed),
                                                    epilogue: Epilogue(scale: .perColumn(s.baseAddress! + columns.lowerBound)),
                                                    output: out.baseAddress! + columns.lowerBound, outputStride: n,
                                                    scratch: multiply, scratchBytes: sizes.multiplyBytes)
                                }
                                try integerGemm(prepared, rows(columns, of: w.packed),
                                                thresholds: thresholds.fromColumn(columns.lowerBound),
                                                output: CodesOutput(base: splitCodes.matrix.base, rowStride: splitCodes.matrix.rowStride,
                                                                    headColumns: n, columnOrigin: columns.lowerBound),
                                                scratch: multiply, scratchBytes: sizes.multiplyBytes)
                            }
                            #expect(split.map(\.bitPattern) == whole.map(\.bitPattern), "\(pair) \(path) \(m)×\(n)×\(k) in \(pieces)")
                            #expect(splitCodes.bytes == wholeCodes.bytes, "\(pair) \(path) \(m)×\(n)×\(k) codes in \(pieces)")
                        }
                    }
                }
            }
        }
    }

    @Test func shortOrMisalignedScratchIsRefused() {
        var generator = SeededGenerator(seed: 9)
        let (a, _) = randomPacked(rows: 20, columns: 100, format: .binary, using: &generator)
        let sizes = IntegerGemmScratch(activations: .binary, weights: .binary, rows: 20, columns: 8, depth: 100,
                                       endsInCodes: false, path: .portable)
        let region = scratch(sizes.preparedBytes + 64)
        defer { region.deallocate() }
        #expect(throws: KernelError.self) {
            try prepareActivations(a.packed, weights: .binary, path: .portable, scratch: region, scratchBytes: sizes.preparedBytes - 1)
        }
        #expect(throws: KernelError.self) {
            try prepareActivations(a.packed, weights: .binary, path: .portable, scratch: region + 8, scratchBytes: sizes.preparedBytes)
        }
    }
}
