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
/// A convenience that allocates its scratch: the runtime prepares `a` once
/// (`prepareActivations`) and multiplies in caller-provided scratch instead.
public func integerGemm(
    _ a: PackedMatrix, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice? = nil, epilogue: Epilogue,
    output: UnsafeMutablePointer<Float>, outputStride: Int, path: KernelPath
) throws(KernelError) {
    _ = try checkedOperands(a, w, regrouped)
    guard a.rows > 0, w.rows > 0 else { return }
    try withScratch(a, w, endsInCodes: false, path: path) { prepared, scratch, bytes throws(KernelError) in
        try integerGemm(prepared, w, regrouped: regrouped, epilogue: epilogue, output: output, outputStride: outputStride,
                        scratch: scratch, scratchBytes: bytes)
    }
}

/// Multiplies like `integerGemm(_:_:epilogue:…)` but ends in packed codes: each accumulator
/// becomes a field by `thresholds` (column n uses `thresholds` column n) and lands in `output`.
/// Same fields on every path. Throws before writing anything if anything doesn't fit. A
/// convenience that allocates its scratch, like the FP32-ending one.
public func integerGemm(
    _ a: PackedMatrix, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice? = nil, thresholds: CodeThresholds,
    output: CodesOutput, path: KernelPath
) throws(KernelError) {
    _ = try checkedOperands(a, w, regrouped)
    if let error = output.layoutError(format: thresholds.format, columns: w.rows) { throw error }
    guard a.rows > 0, w.rows > 0 else { return }
    try withScratch(a, w, endsInCodes: true, path: path) { prepared, scratch, bytes throws(KernelError) in
        try integerGemm(prepared, w, regrouped: regrouped, thresholds: thresholds, output: output,
                        scratch: scratch, scratchBytes: bytes)
    }
}

/// Allocates the scratch of `a` × `w` on `path`, prepares `a` and runs `body` with the prepared
/// activations and the multiply scratch.
private func withScratch(
    _ a: PackedMatrix, _ w: PackedMatrix, endsInCodes: Bool, path: KernelPath,
    _ body: (PreparedActivations, UnsafeMutableRawPointer, Int) throws(KernelError) -> Void
) throws(KernelError) {
    let sizes = IntegerGemmScratch(activations: a.format, weights: w.format, rows: a.rows, columns: w.rows,
                                   depth: a.columns, endsInCodes: endsInCodes, path: path)
    let prepared = UnsafeMutableRawPointer.allocate(byteCount: max(64, sizes.preparedBytes), alignment: 64)
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(64, sizes.multiplyBytes), alignment: 64)
    defer { prepared.deallocate(); scratch.deallocate() }
    try body(try prepareActivations(a, weights: w.format, path: path, scratch: prepared, scratchBytes: sizes.preparedBytes),
             scratch, sizes.multiplyBytes)
}

/// The operand pair's multiplication, after checking formats, depths and layouts (and that
/// regrouped weights, if any, cover `w`).
func checkedOperands(_ a: PackedMatrix, _ w: PackedMatrix,
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
