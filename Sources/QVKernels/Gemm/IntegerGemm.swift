/// Integer GEMM on packed codes: acc[m][n] = Σ_k code_a(m, k) · code_w(n, k) in Int32 (wrapping),
/// then the epilogue into FP32. A is M×K activations, W is N×K weights (both K-major, like
/// PyTorch Linear weights), so out = epilogue(A·Wᵀ).

/// Multiplies activations `a` (M = `a.rows`) by weights `w` (N = `w.rows`) over K = `a.columns`
/// and writes `epilogue(acc)` to `output[m * outputStride + n]`.
///
/// Supported (a, w) formats: (b1, b1) by XOR-popcount; (u1, b1) by AND-popcount ({0,1} × ±1);
/// any of {s2, u2, s8, u8} × {s2, u2, s8, u8}. Accumulators are bit-identical on every path,
/// and so are outputs. Throws before writing anything if the formats, depths or layouts don't fit.
public func integerGemm(
    _ a: PackedMatrix, _ w: PackedMatrix, epilogue: Epilogue,
    output: UnsafeMutablePointer<Float>, outputStride: Int, path: KernelPath
) throws(KernelError) {
    guard let operands = IntegerGemmOperands(a: a.format, w: w.format) else {
        throw .unsupportedFormats(a.format, w.format)
    }
    guard a.columns == w.columns else { throw .depthMismatch(aColumns: a.columns, wColumns: w.columns) }
    if let error = a.layoutError(operand: "a") ?? w.layoutError(operand: "w") { throw error }
    guard a.rows > 0, w.rows > 0 else { return }
    let destination = GemmDestination(epilogue: epilogue, output: output, outputStride: outputStride, columns: w.rows)
    switch (path, operands) {
    case (.scalar, _):
        integerGemmScalar(a, w, into: destination)
    case (.portable, .binaryXor), (.avx2, .binaryXor), (.avx512, .binaryXor), (.neon, .binaryXor):
        binaryGemm(a, w, combine: XorPopcount.self, path: path, into: destination)
    case (.portable, .unsignedBitAnd), (.avx2, .unsignedBitAnd), (.avx512, .unsignedBitAnd), (.neon, .unsignedBitAnd):
        binaryGemm(a, w, combine: AndPopcount.self, path: path, into: destination)
    case (.portable, .multiBit):
        multiBitGemmPortable(a, w, into: destination)
    case (.avx2, .multiBit), (.avx512, .multiBit):
        multiBitGemmX86(a, w, path: path, into: destination)
    case (.neon, .multiBit):
        multiBitGemmNEON(a, w, into: destination)
    }
}

/// How a supported pair of code formats is multiplied.
enum IntegerGemmOperands {
    /// ±1 × ±1: Σ a·w = K − 2·popcount(a XOR w).
    case binaryXor
    /// {0,1} × ±1: Σ a·w = 2·popcount(a AND w) − popcount(a).
    case unsignedBitAnd
    /// 2- or 8-bit codes on both sides, multiplied as integers.
    case multiBit

    init?(a: QuantFormat, w: QuantFormat) {
        switch (a.bits, a.scheme, w.bits, w.scheme) {
        case (1, .binarySign, 1, .binarySign): self = .binaryXor
        case (1, .unsignedOffset, 1, .binarySign): self = .unsignedBitAnd
        case (2, _, 2, _), (2, _, 8, _), (8, _, 2, _), (8, _, 8, _): self = .multiBit
        default: return nil
        }
    }
}

/// Where finished rows of accumulators go: the epilogue and the output matrix (N columns).
struct GemmDestination {
    let epilogue: Epilogue
    let output: UnsafeMutablePointer<Float>
    let outputStride: Int
    /// N, the number of output columns.
    let columns: Int

    /// Applies the epilogue to up to four accumulators of `row` starting at `column` (lanes past
    /// N are dropped) and stores them.
    @inline(__always)
    func store(_ accumulators: SIMD4<Int32>, row: Int, column: Int) {
        epilogue.store(SIMD4<Float>(accumulators), row: row, column: column, count: min(4, columns - column),
                       to: output, outputStride: outputStride)
    }

    /// FP32 accumulators, as `store(_: SIMD4<Int32>, ...)`.
    @inline(__always)
    func store(_ accumulators: SIMD4<Float>, row: Int, column: Int) {
        epilogue.store(accumulators, row: row, column: column, count: min(4, columns - column),
                       to: output, outputStride: outputStride)
    }
}
