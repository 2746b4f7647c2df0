/// Integer GEMM on packed codes: acc[m][n] = Σ_k code_a(m, k) · code_w(n, k) in Int32 (wrapping),
/// then the epilogue into FP32, or thresholds into packed codes. A is M×K activations, W is N×K
/// weights (both K-major, like PyTorch Linear weights), so out = epilogue(A·Wᵀ).

/// Multiplies activations `a` (M = `a.rows`) by weights `w` (N = `w.rows`) over K = `a.columns`
/// and writes `epilogue(acc)` to `output[m * outputStride + n]`.
///
/// Supported (a, w) formats are QVQuant's pairing rule (`IntegerProduct`): (b1, b1) by
/// XOR-popcount; (u1, b1) by AND-popcount ({0,1} × ±1); any multi-bit × multi-bit pair. Accumulators are bit-identical on every path,
/// and so are outputs. Throws before writing anything if the formats, depths or layouts don't fit.
/// `regrouped`, when given, holds the same weights as `w` regrouped for the AVX-512 VNNI kernel.
public func integerGemm(
    _ a: PackedMatrix, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice? = nil, epilogue: Epilogue,
    output: UnsafeMutablePointer<Float>, outputStride: Int, path: KernelPath
) throws(KernelError) {
    let operands = try checkedOperands(a, w, regrouped)
    guard a.rows > 0, w.rows > 0 else { return }
    multiply(a, w, operands, regrouped: regrouped,
             into: GemmDestination(.floats(epilogue, output: output, outputStride: outputStride), columns: w.rows), path: path)
}

/// Multiplies like `integerGemm(_:_:epilogue:…)` but ends in packed codes: each accumulator
/// becomes a field by `thresholds` (column n uses `thresholds` column n) and lands in `output`.
/// Same fields on every path. Throws before writing anything if anything doesn't fit.
public func integerGemm(
    _ a: PackedMatrix, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice? = nil, thresholds: CodeThresholds,
    output: CodesOutput, path: KernelPath
) throws(KernelError) {
    let operands = try checkedOperands(a, w, regrouped)
    if let error = output.layoutError(format: thresholds.format, columns: w.rows) { throw error }
    guard a.rows > 0, w.rows > 0 else { return }
    let codes = GemmDestination(.codes(thresholds, output), columns: w.rows)
    switch (path, operands) {
    case (.scalar, _), (.portable, .multiBit):
        // These paths finish four accumulators at a time: collect them, then drain in one block.
        let accumulators = UnsafeMutablePointer<Int32>.allocate(capacity: a.rows * w.rows)
        defer { accumulators.deallocate() }
        multiply(a, w, operands, regrouped: nil, into: GemmDestination(.accumulators(accumulators, stride: w.rows), columns: w.rows),
                 path: path)
        codes.drainBlock(accumulators, accumulatorStride: w.rows, rows: a.rows, firstRow: 0, firstColumn: 0,
                         count: w.rows, path: path)
    default:
        multiply(a, w, operands, regrouped: regrouped, into: codes, path: path)
    }
}

/// The operand pair's multiplication, after checking formats, depths and layouts (and that
/// regrouped weights, if any, cover `w`).
private func checkedOperands(_ a: PackedMatrix, _ w: PackedMatrix,
                             _ regrouped: RegroupedWeights.Slice?) throws(KernelError) -> IntegerProduct {
    if let regrouped, regrouped.weights.format != w.format || regrouped.weights.columns != w.columns
        || 16 * regrouped.firstGroup + w.rows > regrouped.weights.rows {
        throw .invalidLayout(operand: "regrouped w", rows: w.rows, columns: w.columns, rowStride: w.rowStride)
    }
    guard let operands = IntegerProduct(activations: a.format, weights: w.format) else {
        throw .unsupportedFormats(a.format, w.format)
    }
    guard a.columns == w.columns else { throw .depthMismatch(aColumns: a.columns, wColumns: w.columns) }
    if let error = a.layoutError(operand: "a") ?? w.layoutError(operand: "w") { throw error }
    return operands
}

/// Runs the kernel of `path` for `operands` into `destination`.
private func multiply(_ a: PackedMatrix, _ w: PackedMatrix, _ operands: IntegerProduct,
                      regrouped: RegroupedWeights.Slice?, into destination: GemmDestination, path: KernelPath) {
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
        multiBitGemmX86(a, w, regrouped: regrouped, path: path, into: destination)
    case (.neon, .multiBit):
        multiBitGemmNEON(a, w, into: destination)
    }
}

/// Where finished accumulators go: FP32 through an epilogue, packed codes through thresholds,
/// or (for paths that finish four at a time before a codes drain) raw Int32s. N columns.
struct GemmDestination {
    /// The kinds of destination.
    enum Target {
        /// `epilogue(acc)` at `output[m * outputStride + n]`.
        case floats(Epilogue, output: UnsafeMutablePointer<Float>, outputStride: Int)
        /// Fields by thresholds into packed rows.
        case codes(CodeThresholds, CodesOutput)
        /// `acc` itself at `base[m * stride + n]`.
        case accumulators(UnsafeMutablePointer<Int32>, stride: Int)
    }

    let target: Target
    /// N, the number of output columns.
    let columns: Int

    init(_ target: Target, columns: Int) {
        self.target = target
        self.columns = columns
    }

    /// Finishes up to four accumulators of `row` starting at `column` (lanes past N are dropped)
    /// and stores them. Codes destinations are only ever drained by blocks.
    @inline(__always)
    func store(_ accumulators: SIMD4<Int32>, row: Int, column: Int) {
        switch target {
        case .floats: store(SIMD4<Float>(accumulators), row: row, column: column)
        case .accumulators(let base, let stride):
            for lane in 0..<min(4, columns - column) { base[row * stride + column + lane] = accumulators[lane] }
        case .codes: preconditionFailure("codes destinations are drained a block at a time")
        }
    }

    /// FP32 accumulators, as `store(_: SIMD4<Int32>, ...)` (FP32 destinations only).
    @inline(__always)
    func store(_ accumulators: SIMD4<Float>, row: Int, column: Int) {
        guard case .floats(let epilogue, let output, let outputStride) = target else {
            preconditionFailure("FP32 sums go to FP32 destinations")
        }
        epilogue.store(accumulators, row: row, column: column, count: min(4, columns - column),
                       to: output, outputStride: outputStride)
    }
}
