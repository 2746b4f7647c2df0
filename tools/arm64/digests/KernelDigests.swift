import QVKernels
import QVKernelsMath

/// Digests of every runtime-core kernel on deterministic pseudo-random inputs with odd shapes,
/// one line per kernel (`name digest`), for comparing one kernel path or machine with another
/// (tools/arm64-check.sh: x86-64 against ARM64 under qemu). Embedded-Swift clean.
///
/// Integer GEMMs, quantize-pack and the float row kernels are specified bit-identical on every
/// path; lines whose name starts with `floatGemm` may differ between paths by summation order.
/// Codes-ending GEMMs and softmax fused with quantization are covered too.
public func kernelDigestLines(path: KernelPath) -> [String] {
    var lines: [String] = []
    var random = SeededGenerator(seed: 0x5156_4152_4D36_3421)

    // Integer GEMMs: every supported pair of code formats on odd shapes (identity epilogue, so
    // outputs are the Int32 accumulators as floats), plus one with the whole epilogue.
    let shapes = [(m: 13, n: 37, k: 333), (m: 5, n: 70, k: 1029), (m: 1, n: 3, k: 7)]
    let pairs: [(QuantFormat, QuantFormat)] = [
        (.binary, .binary), (.unsigned1, .binary),
        (.unsigned2, .signed2), (.signed2, .signed2), (.unsigned8, .signed8), (.signed8, .signed8),
        (.unsigned8, .unsigned8), (.unsigned2, .unsigned8), (.signed2, .unsigned8), (.unsigned8, .signed2),
    ]
    for (aFormat, wFormat) in pairs {
        for shape in shapes {
            let a = RandomCodes(rows: shape.m, columns: shape.k, format: aFormat, random: &random)
            let w = RandomCodes(rows: shape.n, columns: shape.k, format: wFormat, random: &random)
            defer { a.deallocate(); w.deallocate() }
            let output = FloatBuffer(count: shape.m * shape.n)
            defer { output.deallocate() }
            let digest = integerGemmDigest(a, w, epilogue: Epilogue(), output: output, columns: shape.n, path: path)
            lines.append("integerGemm \(aFormat)x\(wFormat) \(shape.m)x\(shape.n)x\(shape.k) \(digest)")
        }
    }
    // Extreme codes over a long K: every field at the largest-magnitude code (products of
    // largest magnitude, same sign all along), and every 2-bit field at 3 (the largest lookups
    // of the table-lookup kernels, which sum stored fields), where a kernel that sums in narrow
    // lanes (8/16-bit) overflows unless it widens in time.
    let extremes: [(QuantFormat, UInt8, QuantFormat, UInt8)] = [
        (.unsigned2, 0xFF, .signed2, 0x00), (.signed2, 0x00, .signed2, 0x00), (.unsigned2, 0xFF, .signed2, 0xFF),
        (.signed2, 0xFF, .signed2, 0xFF), (.unsigned8, 0xFF, .signed8, 0x80), (.signed8, 0x80, .signed8, 0x80),
    ]
    for (aFormat, aByte, wFormat, wByte) in extremes {
        let (m, n, k) = (6, 9, 2003)
        let a = RandomCodes(rows: m, columns: k, format: aFormat, every: aByte), w = RandomCodes(rows: n, columns: k, format: wFormat, every: wByte)
        defer { a.deallocate(); w.deallocate() }
        let output = FloatBuffer(count: m * n)
        defer { output.deallocate() }
        let digest = integerGemmDigest(a, w, epilogue: Epilogue(), output: output, columns: n, path: path)
        lines.append("integerGemm extreme \(aFormat)x\(wFormat) \(m)x\(n)x\(k) \(digest) (\(output.pointer[0]))")
    }
    lines.append(epilogueLine(path: path, random: &random))

    lines += codesGemmLines(path: path, random: &random)

    // Quantize-pack at every format, and softmax fused with it.
    let formats = QuantFormat.stored.map { $0.format }  // every row of the traits table
    let rows = 11, columns = 203
    let source = FloatBuffer(random: &random, count: rows * columns, range: 6)
    defer { source.deallocate() }
    for format in formats {
        let quantizer = Quantizer(format: format, scale: 0.037, offset: format.scheme == .unsignedOffset ? -1.5 : 0.25)
        let packed = RandomCodes(rows: rows, columns: columns, format: format, random: &random)
        defer { packed.deallocate() }
        quantizeRows(source.pointer, sourceStride: columns, quantizer: quantizer, into: packed.mutable, path: path)
        lines.append("quantizeRows \(format) \(packed.rows)x\(packed.columns) \(packed.digest)")
        if format.scheme == .unsignedOffset {
            let probabilities = Quantizer(format: format, scale: 1 / Float(format.codeMax) / 8)
            let scores = source.copy()
            let codes = RandomCodes(rows: rows, columns: columns, format: format, random: &random)
            defer { scores.deallocate(); codes.deallocate() }
            softmaxQuantizeRows(scores.pointer, stride: columns, quantizer: probabilities, into: codes.mutable, path: path)
            lines.append("softmaxQuantizeRows \(format) \(codes.rows)x\(codes.columns) \(codes.digest)")
        }
    }

    // Float row kernels.
    let values = FloatBuffer(random: &random, count: 7 * 77, range: 12)
    defer { values.deallocate() }
    let softmax = values.copy()
    defer { softmax.deallocate() }
    for row in 0..<7 { softmaxInPlace(softmax.pointer + row * 77, count: 77, path: path) }
    lines.append("softmax 7x77 \(softmax.digest)")
    let activated = values.copy()
    defer { activated.deallocate() }
    geluInPlace(activated.pointer, count: activated.count)
    lines.append("gelu 539 \(activated.digest)")
    let gamma = FloatBuffer(random: &random, count: 77, range: 2), beta = FloatBuffer(random: &random, count: 77, range: 1)
    let normalized = FloatBuffer(count: 7 * 77)
    defer { gamma.deallocate(); beta.deallocate(); normalized.deallocate() }
    layerNorm(values.pointer, rows: 7, columns: 77, stride: 77, gamma: gamma.pointer, beta: beta.pointer,
              epsilon: 1e-12, output: normalized.pointer, outputStride: 77)
    lines.append("layerNorm 7x77 \(normalized.digest)")

    // FP32 GEMM on 16-column panels (summation order may differ between paths).
    let fa = FloatBuffer(random: &random, count: 9 * 131, range: 2), fw = FloatBuffer(random: &random, count: 23 * 131, range: 2)
    let panels = FloatBuffer(count: floatPanelCount(rows: 23, columns: 131)), fo = FloatBuffer(count: 9 * 23)
    defer { fa.deallocate(); fw.deallocate(); panels.deallocate(); fo.deallocate() }
    packFloatPanels(fw.pointer, sourceStride: 131, rows: 23, columns: 131, into: panels.pointer)
    floatPanelGemm(a: fa.pointer, lda: 131, b: FloatPanels(packed: panels.pointer, depth: 131), m: 9, n: 23, k: 131,
                   epilogue: Epilogue(), output: fo.pointer, outputStride: 23, path: path)
    lines.append("floatGemm 9x23x131 \(fo.digest)")
    return lines
}

/// Integer GEMMs that end in codes through per-column thresholds (upper only, and upper and
/// lower), for 1- and 2-bit outputs.
private func codesGemmLines(path: KernelPath, random: inout SeededGenerator) -> [String] {
    var lines: [String] = []
    let (m, n, k) = (13, 37, 333)
    let cases: [(QuantFormat, QuantFormat, QuantFormat)] = [(.binary, .binary, .binary), (.unsigned2, .signed2, .signed2),
                                                            (.unsigned2, .signed2, .unsigned2)]
    for (aFormat, wFormat, outFormat) in cases {
        for lower in [false, true] {
            let a = RandomCodes(rows: m, columns: k, format: aFormat, random: &random)
            let w = RandomCodes(rows: n, columns: k, format: wFormat, random: &random)
            let out = RandomCodes(rows: m, columns: n, format: outFormat, random: &random)
            defer { a.deallocate(); w.deallocate(); out.deallocate() }
            let b = CodeThresholds.boundaries(of: outFormat)
            var table = [Int32](repeating: .min, count: 2 * b * n)
            for c in 0..<n {
                var previous: Int32 = -300
                for j in 0..<b {
                    previous += Int32(truncatingIfNeeded: random.next() % 200)
                    table[j * n + c] = previous
                }
                if lower { table[b * n + c] = -320 - Int32(truncatingIfNeeded: random.next() % 50) }
            }
            let digest: String = table.withUnsafeBufferPointer { t in
                do throws(KernelError) {
                    try integerGemm(a.mutable.readOnly, w.mutable.readOnly,
                                    thresholds: CodeThresholds(format: outFormat, table: t.baseAddress!, columns: n, hasLower: lower)!,
                                    output: CodesOutput(base: out.mutable.base, rowStride: out.mutable.rowStride, headColumns: n),
                                    path: path)
                    return out.digest
                } catch {
                    return "refused"
                }
            }
            lines.append("codesGemm \(aFormat)x\(wFormat)->\(outFormat) lower \(lower) \(m)x\(n)x\(k) \(digest)")
        }
    }
    return lines
}

/// The integer GEMM with a per-column scale, bias, GELU and an in-place residual (u8 × s8).
private func epilogueLine(path: KernelPath, random: inout SeededGenerator) -> String {
    let m = 6, n = 29, k = 150
    let a = RandomCodes(rows: m, columns: k, format: .unsigned8, random: &random)
    let w = RandomCodes(rows: n, columns: k, format: .signed8, random: &random)
    let scales = FloatBuffer(random: &random, count: n, range: 0.001)
    let bias = FloatBuffer(random: &random, count: n, range: 4)
    let output = FloatBuffer(random: &random, count: m * n, range: 3)
    defer { a.deallocate(); w.deallocate(); scales.deallocate(); bias.deallocate(); output.deallocate() }
    let epilogue = Epilogue(scale: .perColumn(scales.pointer), bias: bias.pointer, activation: .gelu,
                            residual: output.pointer, residualStride: n)
    let digest = integerGemmDigest(a, w, epilogue: epilogue, output: output, columns: n, path: path)
    return "epilogue u8xs8+scale+bias+gelu+residual \(m)x\(n)x\(k) \(digest)"
}

/// Runs `integerGemm` into `output` and digests it (or names the refusal).
private func integerGemmDigest(_ a: RandomCodes, _ w: RandomCodes, epilogue: Epilogue, output: FloatBuffer,
                               columns: Int, path: KernelPath) -> String {
    do throws(KernelError) {
        try integerGemm(a.mutable.readOnly, w.mutable.readOnly, epilogue: epilogue, output: output.pointer,
                        outputStride: columns, path: path)
        return output.digest
    } catch {
        return "refused"
    }
}

extension SeededGenerator {
    /// A float in [-range, range), exactly representable (24 random bits).
    mutating func nextFloat(range: Float) -> Float {
        Float(next() >> 40) * (range / 8_388_608) - range
    }
}

/// FNV-1a (64-bit) of `bytes`, as 16 hex digits.
func fnv1a(_ bytes: UnsafeRawBufferPointer) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    let digits = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

/// Packed rows of random fields with canonical padding.
struct RandomCodes {
    let mutable: MutablePackedMatrix
    var rows: Int { mutable.rows }
    var columns: Int { mutable.columns }

    init(rows: Int, columns: Int, format: QuantFormat, random: inout SeededGenerator) {
        let stride = packedRowStride(columns: columns, format: format)
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(1, rows * stride), alignment: 64)
        for index in 0..<rows * stride {
            base.storeBytes(of: UInt8(truncatingIfNeeded: random.next() >> 56), toByteOffset: index, as: UInt8.self)
        }
        mutable = MutablePackedMatrix(base: base, rows: rows, columns: columns, rowStride: stride, format: format)
        mutable.writePadding()
    }

    /// Rows whose every byte is `byte` (so every field holds the same code), canonical padding.
    init(rows: Int, columns: Int, format: QuantFormat, every byte: UInt8) {
        let stride = packedRowStride(columns: columns, format: format)
        let base = UnsafeMutableRawPointer.allocate(byteCount: max(1, rows * stride), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: byte, count: max(1, rows * stride))
        mutable = MutablePackedMatrix(base: base, rows: rows, columns: columns, rowStride: stride, format: format)
        mutable.writePadding()
    }

    /// Digest of the stored bytes, padding included.
    var digest: String { fnv1a(UnsafeRawBufferPointer(start: mutable.base, count: rows * mutable.rowStride)) }

    func deallocate() { mutable.base.deallocate() }
}

/// A heap buffer of floats.
struct FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: count)
    }

    init(random: inout SeededGenerator, count: Int, range: Float) {
        self.init(count: count)
        for index in 0..<count { pointer[index] = random.nextFloat(range: range) }
    }

    func copy() -> FloatBuffer {
        let result = FloatBuffer(count: count)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    var digest: String { fnv1a(UnsafeRawBufferPointer(start: pointer, count: count * 4)) }

    func deallocate() { pointer.deallocate() }
}
