// The 2-/8-bit integer GEMM on every supported path and every x86 kernel this CPU has, against
// the `.scalar` path: odd shapes, panel and tile boundaries, extreme and wrapping codes, garbage
// padding, wide row strides; plus the int8 ceiling's MAC count.
import Testing
@testable import QVKernels
#if arch(x86_64)
import CQVKernelsX86
#endif

/// Every multi-bit (activation, weight) pair.
let multiBitPairs: [FormatPair] = {
    let formats: [QuantFormat] = [.signed2, .unsigned2, .signed8, .unsigned8]
    // 4-bit codes sit in 8-bit fields and run on the 8-bit kernels.
    return formats.flatMap { a in formats.map { FormatPair(a: a, w: $0) } }
        + [FormatPair(a: .unsigned4, w: .signed4), FormatPair(a: .signed4, w: .signed4)]
}()

/// Depths around the vector widths (4, 32, 64 codes) and the model's 384.
private let multiBitDepths = [1, 7, 63, 64, 65, 130, 383, 384, 385, 513]

/// Outputs of `integerGemm` on `path` with a scaled, biased epilogue, so that columns and rows
/// are told apart in the output as well as in the accumulators.
private func gemmOutputs(_ a: PackedMatrix, _ w: PackedMatrix, path: KernelPath) throws -> [Float] {
    let bias = (0..<w.rows).map { Float($0) * 0.25 - 3 }
    return try bias.withUnsafeBufferPointer { bias in
        try runGemm(a, w, epilogue: Epilogue(scale: .scalar(0.5), bias: bias.baseAddress), outputStride: w.rows + 3,
                    path: path)
    }
}

@Suite struct MultiBitGemmTests {
    @Test(arguments: multiBitPairs)
    func everyPathMatchesScalarOnOddShapes(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 0x2B17)
        for m in [1, 3, 17] {
            for n in [1, 5, 33] {
                for k in multiBitDepths {
                    let (a, _) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
                    let (w, _) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
                    let expected = try gemmOutputs(a.packed, w.packed, path: .scalar)
                    for path in KernelPath.supported where path != .scalar {
                        let output = try gemmOutputs(a.packed, w.packed, path: path)
                        #expect(firstMismatch(output, expected) == nil, "\(pair) \(path) \(m)×\(n)×\(k)")
                    }
                }
            }
        }
    }

    /// Several 64-column panels with a partial last one, and more rows than one tile of
    /// accumulators, through every x86 kernel (not only the best one per path).
    @Test(arguments: multiBitPairs)
    func everyX86KernelMatchesScalarAcrossPanelsAndTiles(pair: FormatPair) throws {
        #if arch(x86_64)
        var generator = SeededGenerator(seed: 0x7A11)
        for (m, n, k) in [(97, 130, 100), (103, 65, 33), (12, 200, 385), (25, 48, 64)] {
            let (a, aCodes) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
            let (w, wCodes) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
            let expected = naiveAccumulators(aCodes, wCodes, m: m, n: n, k: k).map(Float.init)
            for kernel in MultiBitX86Kernel.allCases where kernel.isSupported {
                let output = runKernel(kernel, a.packed, w.packed)
                #expect(firstMismatch(output, expected) == nil, "\(pair) \(kernel) \(m)×\(n)×\(k)")
            }
        }
        #endif
    }

    /// Every combination of smallest and largest codes, including 8-bit depths long enough for
    /// the Int32 accumulators (and the bias corrections) to wrap.
    @Test(arguments: multiBitPairs)
    func extremeCodesMatchScalar(pair: FormatPair) throws {
        let depths = pair.a.bits == 8 && pair.w.bits == 8 ? [513, 140_001] : [513]
        for k in depths {
            for aCode in [pair.a.codeMin, pair.a.codeMax] {
                for wCode in [pair.w.codeMin, pair.w.codeMax] {
                    let (m, n) = k > 1000 ? (2, 3) : (3, 17)
                    let a = filledPacked(rows: m, columns: k, format: pair.a, code: aCode)
                    let w = filledPacked(rows: n, columns: k, format: pair.w, code: wCode)
                    let expected = Float(Int32(truncatingIfNeeded: k) &* aCode &* wCode)
                    for path in KernelPath.supported {
                        let output = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: n, path: path)
                        #expect(output.allSatisfy { $0 == expected }, "\(pair) \(path) \(aCode)·\(wCode) k \(k)")
                    }
                    #if arch(x86_64)
                    for kernel in MultiBitX86Kernel.allCases where kernel.isSupported {
                        let output = runKernel(kernel, a.packed, w.packed)
                        #expect(output.allSatisfy { $0 == expected }, "\(pair) \(kernel) \(aCode)·\(wCode) k \(k)")
                    }
                    #endif
                }
            }
        }
    }

    @Test(arguments: multiBitPairs)
    func garbagePaddingAndWideStridesAreNeverRead(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 0xBAD)
        for k in [1, 7, 63, 65, 383, 385] {
            let aStride = packedRowStride(columns: k, format: pair.a) + 32
            let a = PackedBuffer(rows: 7, columns: k, format: pair.a, rowStride: aStride)
            let w = PackedBuffer(rows: 21, columns: k, format: pair.w)
            for buffer in [a, w] {
                for row in 0..<buffer.matrix.rows {
                    for column in 0..<k {
                        let format = buffer.matrix.format
                        buffer.matrix.setCode(Int32.random(in: format.codeMin...format.codeMax, using: &generator),
                                              row: row, column: column)
                    }
                }
                scribbleOverPadding(buffer, using: &generator)
            }
            let expected = naiveAccumulators(a.codes, w.codes, m: 7, n: 21, k: k).map(Float.init)
            for path in KernelPath.supported {
                let output = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: 21, path: path)
                #expect(firstMismatch(output, expected) == nil, "\(pair) \(path) k \(k)")
            }
        }
    }

    @Test func kernelSelectionFallsBackWhenExtensionsAreMissing() {
        #if arch(x86_64)
        let avx2 = UInt32(QV_X86_AVX2), avx512 = UInt32(QV_X86_AVX512)
        let vnni512 = UInt32(QV_X86_AVX512_VNNI), avxVnni = UInt32(QV_X86_AVX_VNNI)
        let cases: [(KernelPath, UInt32, MultiBitX86Kernel?)] = [
            (.avx512, avx2 | avx512 | vnni512 | avxVnni, .avx512Vnni),
            (.avx512, avx2 | avx512 | avxVnni, .avxVnni),   // AVX-512 without its VNNI
            (.avx512, avx2 | avx512, .avx2),                // Skylake-SP: no VNNI at all
            (.avx512, avx2 | avxVnni, nil),                 // no AVX-512: the path is unsupported
            (.avx2, avx2 | avx512 | vnni512 | avxVnni, .avxVnni),
            (.avx2, avx2, .avx2),
            (.avx2, 0, nil),
            (.portable, avx2 | avx512 | vnni512 | avxVnni, nil),
            (.scalar, avx2 | avx512 | vnni512 | avxVnni, nil),
        ]
        for (path, features, expected) in cases {
            #expect(MultiBitX86Kernel(path: path, features: features) == expected, "\(path) \(features)")
        }
        #endif
    }
}

/// Whether the zmm VNNI kernel runs here (the AVX-512 ceiling then counts zmm MACs).
var vnni512: Bool {
    #if arch(x86_64)
    return MultiBitX86Kernel.avx512Vnni.isSupported
    #else
    return false
    #endif
}

/// Where `output` first differs from `expected` (bit patterns, so that NaNs compare), if anywhere.
private func firstMismatch(_ output: [Float], _ expected: [Float]) -> String? {
    guard output.count == expected.count else { return "\(output.count) outputs, expected \(expected.count)" }
    guard let index = output.indices.first(where: { output[$0].bitPattern != expected[$0].bitPattern }) else { return nil }
    return "element \(index): \(output[index]), expected \(expected[index])"
}

/// A packed matrix whose every code is `code`.
private func filledPacked(rows: Int, columns: Int, format: QuantFormat, code: Int32) -> PackedBuffer {
    let buffer = PackedBuffer(rows: rows, columns: columns, format: format)
    for row in 0..<rows {
        for column in 0..<columns { buffer.matrix.setCode(code, row: row, column: column) }
    }
    buffer.matrix.writePadding()
    return buffer
}

#if arch(x86_64)
/// Runs one x86 kernel directly (identity epilogue) and returns the M×N outputs.
private func runKernel(_ kernel: MultiBitX86Kernel, _ a: PackedMatrix, _ w: PackedMatrix) -> [Float] {
    var output = [Float](repeating: .nan, count: a.rows * w.rows)
    output.withUnsafeMutableBufferPointer { buffer in
        let destination = GemmDestination(.floats(Epilogue(), output: buffer.baseAddress!, outputStride: w.rows),
                                          columns: w.rows)
        let shape = GemmShape(rows: a.rows, columns: w.rows, depth: a.columns)
        let prepared = UnsafeMutableRawPointer.allocate(byteCount: max(64, X86PreparedActivations.parts(shape).total), alignment: 64)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(64, kernel.multiplyParts(shape).total), alignment: 64)
        defer { prepared.deallocate(); scratch.deallocate() }
        let activations = X86PreparedActivations(shape, at: prepared)
        activations.fill(from: a, weights: w.format)
        multiBitGemm(activations, a, w, kernel: kernel, regrouped: nil, scratch: scratch, into: destination)
    }
    return output
}
#endif
