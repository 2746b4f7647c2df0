// The 1-bit GEMM paths (portable, AVX2, AVX-512 VPOPCNTDQ) against the scalar path, bit for bit:
// row counts around the 8- and 16-row panels, column counts around the 4-, 8- and 32-column
// blocks, depths around 64-bit word boundaries and the AVX2 kernel's 31-word byte-count chunks,
// padded row strides with garbage padding, and every combination of epilogue options. Plus the
// popcount ceiling loop's bookkeeping.
import Testing
import QVKernels

/// The two binary format pairs integerGemm supports.
let binaryPairs = [FormatPair(a: .binary, w: .binary), FormatPair(a: .unsigned1, w: .binary)]

@Suite struct BinaryGemmTests {
    @Test(arguments: binaryPairs)
    func everyPathMatchesTheScalarPathAroundWordBoundaries(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 0xB1)
        for k in [1, 63, 64, 65, 383, 384, 385, 511, 512, 513, 1536, 1984, 1985, 2048, 3072, 4033] {
            for (m, n) in [(1, 1), (9, 5), (17, 8), (33, 33), (16, 65)] {
                let (a, _) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
                let (w, _) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
                let expected = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: n + 3, path: .scalar)
                for path in KernelPath.supported where path != .scalar {
                    let output = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: n + 3, path: path)
                    #expect(output == expected, "\(pair) \(path) \(m)×\(n)×\(k)")
                }
            }
        }
    }

    @Test(arguments: binaryPairs)
    func paddedStridesWithGarbagePaddingGiveTheSameOutputs(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 0xB2)
        for k in [5, 64, 100, 384, 449, 2001] {
            let (m, n) = (19, 37)
            let a = PackedBuffer(rows: m, columns: k, format: pair.a,
                                 rowStride: packedRowStride(columns: k, format: pair.a) + 48)
            let w = PackedBuffer(rows: n, columns: k, format: pair.w,
                                 rowStride: packedRowStride(columns: k, format: pair.w) + 16)
            for buffer in [a, w] {
                for row in 0..<buffer.matrix.rows {
                    for column in 0..<k {
                        buffer.matrix.setCode(Int32.random(in: -1...1, using: &generator), row: row, column: column)
                    }
                }
                scribbleOverPadding(buffer, using: &generator)
            }
            let expected = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: n, path: .scalar)
            for path in KernelPath.supported where path != .scalar {
                let output = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: n, path: path)
                #expect(output == expected, "\(pair) \(path) k \(k)")
            }
            #expect(a.guardIntact && w.guardIntact)
        }
    }

    @Test(arguments: binaryPairs)
    func everyEpilogueCombinationIsBitIdenticalToTheScalarPath(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 0xB3)
        let (m, n, k) = (21, 42, 300)
        let (a, _) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
        let (w, _) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
        let scales = randomFloats(n, in: 0.001...0.1, using: &generator)
        let bias = randomFloats(n, in: -3...3, using: &generator)
        let residual = randomFloats(m * (n + 1), in: -2...2, using: &generator)
        try scales.withUnsafeBufferPointer { scales in
            try bias.withUnsafeBufferPointer { bias in
                try residual.withUnsafeBufferPointer { residual in
                    for options in 0..<16 {
                        let epilogue = Epilogue(
                            scale: options & 1 == 0 ? .scalar(0.037) : .perColumn(scales.baseAddress!),
                            bias: options & 2 == 0 ? nil : bias.baseAddress,
                            activation: options & 4 == 0 ? .none : .gelu,
                            residual: options & 8 == 0 ? nil : residual.baseAddress, residualStride: n + 1)
                        let expected = try runGemm(a.packed, w.packed, epilogue: epilogue, outputStride: n, path: .scalar)
                        for path in KernelPath.supported where path != .scalar {
                            let output = try runGemm(a.packed, w.packed, epilogue: epilogue, outputStride: n, path: path)
                            #expect(output.map(\.bitPattern) == expected.map(\.bitPattern), "\(pair) \(path) options \(options)")
                        }
                    }
                }
            }
        }
    }
}
