// Integer GEMM accumulators on every path and every supported format pair, swept over odd
// shapes, against a naive triple loop over the unpacked codes; plus the refusals.
import Testing
import QVKernels

/// A pair of operand formats (activations, weights).
struct FormatPair: Sendable, CustomStringConvertible {
    let a: QuantFormat
    let w: QuantFormat
    var description: String { "\(a)×\(w)" }
}

/// Every pair integerGemm supports.
let supportedPairs: [FormatPair] = {
    let multiBit: [QuantFormat] = [.signed2, .unsigned2, .signed8, .unsigned8]
    return [FormatPair(a: .binary, w: .binary), FormatPair(a: .unsigned1, w: .binary)]
        + multiBit.flatMap { a in multiBit.map { FormatPair(a: a, w: $0) } }
        + [FormatPair(a: .unsigned4, w: .signed4), FormatPair(a: .signed4, w: .signed4), FormatPair(a: .unsigned4, w: .signed8)]
}()

@Suite struct IntegerGemmTests {
    @Test(arguments: supportedPairs)
    func accumulatorsMatchNaiveCodesOnEveryPathAndShape(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 0xC0DE)
        for m in sweepRows {
            for n in sweepColumns {
                for k in sweepDepths {
                    let (a, aCodes) = randomPacked(rows: m, columns: k, format: pair.a, using: &generator)
                    let (w, wCodes) = randomPacked(rows: n, columns: k, format: pair.w, using: &generator)
                    let expected = naiveAccumulators(aCodes, wCodes, m: m, n: n, k: k)
                    #expect(integerGemmAccumulators(a.packed, w.packed) == expected, "\(pair) \(m)×\(n)×\(k)")
                    for path in KernelPath.supported {
                        let output = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: n + 2, path: path)
                        #expect(output == expected.map(Float.init), "\(pair) \(path) \(m)×\(n)×\(k)")
                    }
                }
            }
        }
    }

    @Test(arguments: [FormatPair(a: .binary, w: .binary), FormatPair(a: .unsigned1, w: .binary),
                      FormatPair(a: .signed2, w: .signed2), FormatPair(a: .unsigned8, w: .signed2)])
    func garbagePaddingIsNeverRead(pair: FormatPair) throws {
        var generator = SeededGenerator(seed: 5)
        for k in [1, 63, 65, 200] {
            let (a, aCodes) = randomPacked(rows: 5, columns: k, format: pair.a, using: &generator)
            let (w, wCodes) = randomPacked(rows: 6, columns: k, format: pair.w, using: &generator)
            for buffer in [a, w] { scribbleOverPadding(buffer, using: &generator) }
            let expected = naiveAccumulators(aCodes, wCodes, m: 5, n: 6, k: k).map(Float.init)
            for path in KernelPath.supported {
                let output = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: 6, path: path)
                #expect(output == expected, "\(pair) \(path) k \(k)")
            }
        }
    }

    @Test func extremeCodesAccumulateWithoutLoss() throws {
        // u8 × u8 at 255 · 255 over K = 513, and s8 × s8 at -128 · -128.
        for (format, code) in [(QuantFormat.unsigned8, Int32(255)), (.signed8, -128)] {
            let a = PackedBuffer(rows: 3, columns: 513, format: format)
            let w = PackedBuffer(rows: 5, columns: 513, format: format)
            for buffer in [a, w] {
                for row in 0..<buffer.matrix.rows {
                    for column in 0..<513 { buffer.matrix.setCode(code, row: row, column: column) }
                }
                buffer.matrix.writePadding()
            }
            for path in KernelPath.supported {
                let output = try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: 5, path: path)
                #expect(output.allSatisfy { $0 == Float(513 * code * code) }, "\(format) \(path)")
            }
        }
    }

    @Test func zeroDepthGivesTheEpilogueOfZero() throws {
        for pair in supportedPairs {
            let a = PackedBuffer(rows: 2, columns: 0, format: pair.a)
            let w = PackedBuffer(rows: 3, columns: 0, format: pair.w)
            let bias: [Float] = [1, 2, 3]
            for path in KernelPath.supported {
                let output = try bias.withUnsafeBufferPointer {
                    try runGemm(a.packed, w.packed, epilogue: Epilogue(bias: $0.baseAddress), outputStride: 3, path: path)
                }
                #expect(output == [1, 2, 3, 1, 2, 3], "\(pair) \(path)")
            }
        }
    }

    @Test func unsupportedPairsAreRefused() {
        let unsupported: [(QuantFormat, QuantFormat)] = [
            (.binary, .signed2), (.signed2, .binary), (.binary, .unsigned1), (.unsigned1, .unsigned1),
            (.unsigned1, .signed8), (.signed8, .binary),
        ]
        for (aFormat, wFormat) in unsupported {
            let a = PackedBuffer(rows: 2, columns: 8, format: aFormat)
            let w = PackedBuffer(rows: 2, columns: 8, format: wFormat)
            for path in KernelPath.supported {
                #expect(throws: KernelError.unsupportedFormats(aFormat, wFormat)) {
                    try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: 2, path: path)
                }
            }
        }
    }

    @Test func mismatchedDepthsAndBadLayoutsAreRefused() {
        let a = PackedBuffer(rows: 2, columns: 8, format: .signed2)
        let w = PackedBuffer(rows: 2, columns: 9, format: .signed2)
        #expect(throws: KernelError.depthMismatch(aColumns: 8, wColumns: 9)) {
            try runGemm(a.packed, w.packed, epilogue: Epilogue(), outputStride: 2, path: .portable)
        }
        var unaligned = w.packed
        unaligned.columns = 8
        unaligned.rowStride = 8
        #expect(throws: KernelError.invalidLayout(operand: "w", rows: 2, columns: 8, rowStride: 8)) {
            try runGemm(a.packed, unaligned, epilogue: Epilogue(), outputStride: 2, path: .scalar)
        }
        var negative = a.packed
        negative.rows = -1
        #expect(throws: KernelError.invalidLayout(operand: "a", rows: -1, columns: 8, rowStride: 16)) {
            try runGemm(negative, a.packed, epilogue: Epilogue(), outputStride: 2, path: .portable)
        }
        #expect(KernelError.depthMismatch(aColumns: 8, wColumns: 9).description.contains("same K"))
    }
}

/// Runs integerGemm into a fresh output of `a.rows` rows (stride `outputStride`, N = `w.rows`)
/// and returns its M×N elements; checks that the gaps between rows stay untouched.
func runGemm(
    _ a: PackedMatrix, _ w: PackedMatrix, epilogue: Epilogue, outputStride: Int, path: KernelPath
) throws(KernelError) -> [Float] {
    var output = [Float](repeating: .nan, count: max(0, a.rows) * outputStride)
    try output.withUnsafeMutableBufferPointer { (buffer) throws(KernelError) in
        try integerGemm(a, w, epilogue: epilogue, output: buffer.baseAddress!, outputStride: outputStride, path: path)
    }
    let gaps = (0..<max(0, a.rows)).flatMap { row in (w.rows..<outputStride).map { output[row * outputStride + $0] } }
    #expect(gaps.allSatisfy { $0.isNaN }, "integerGemm wrote outside its N columns")
    return (0..<max(0, a.rows)).flatMap { row in (0..<w.rows).map { output[row * outputStride + $0] } }
}

/// Fills every padding bit of `buffer` with random bits (the codes stay as they are).
func scribbleOverPadding(_ buffer: PackedBuffer, using generator: inout SeededGenerator) {
    let matrix = buffer.matrix
    let format = matrix.format
    for row in 0..<matrix.rows {
        for slot in matrix.columns..<(matrix.rowStride * format.fieldsPerByte) {
            let address = matrix.base + row * matrix.rowStride + slot / format.fieldsPerByte
            let shift = UInt8(format.bits * (slot % format.fieldsPerByte))
            let field = UInt8.random(in: 0...format.fieldMask, using: &generator)
            let byte = address.load(as: UInt8.self)
            address.storeBytes(of: (byte & ~(format.fieldMask << shift)) | (field << shift), as: UInt8.self)
        }
    }
}
