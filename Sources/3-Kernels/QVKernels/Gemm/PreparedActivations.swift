/// The two phases of the integer GEMM in caller-provided scratch: `prepareActivations` once per
/// product (binary panels, widened rows and row corrections), then any number of multiplies of
/// the prepared activations by weight rows — e.g. one per column task, each with its own
/// multiply scratch — that never allocate. Results equal the one-piece `integerGemm` bit for bit.

/// Activations prepared for products with weights of one format on one path; a view of the
/// scratch it was prepared in, valid while that scratch and the activations stay unchanged.
public struct PreparedActivations {
    /// The activations (M × K codes).
    let matrix: PackedMatrix
    /// The weights' format they were prepared for.
    let weightsFormat: QuantFormat
    let operands: IntegerProduct
    let kernel: IntegerGemmKernel
    /// The path they were prepared on; multiplies run on it.
    public let path: KernelPath
    /// Start of the prepared data.
    let storage: UnsafeMutableRawPointer

    /// M, the activation rows.
    public var rows: Int { matrix.rows }
}

/// Prepares activations `a` for products with `weights`-format codes on `path`, in `scratch`
/// (`scratchBytes` bytes, 64-byte aligned, at least `IntegerGemmScratch.preparedBytes` for M = `a.rows`,
/// K = `a.columns`). Throws if the formats pair with no kernel, `a`'s layout is invalid or the
/// scratch doesn't fit. Allocates nothing.
public func prepareActivations(
    _ a: PackedMatrix, weights: QuantFormat, path: KernelPath, scratch: UnsafeMutableRawPointer, scratchBytes: Int
) throws(KernelError) -> PreparedActivations {
    guard let operands = IntegerProduct(activations: a.format, weights: weights) else { throw .unsupportedFormats(a.format, weights) }
    if let error = a.layoutError(operand: "a") { throw error }
    let kernel = IntegerGemmKernel(path: path, operands: operands, a.format, weights)
    let needed = kernel.preparedParts(GemmShape(rows: a.rows, columns: 0, depth: a.columns)).total
    if let error = scratchError(scratch, bytes: scratchBytes, needed: needed, role: "prepared-activation") { throw error }
    if a.rows > 0 { kernel.prepare(a, weights: weights, into: scratch) }
    return PreparedActivations(matrix: a, weightsFormat: weights, operands: operands, kernel: kernel, path: path,
                               storage: scratch)
}

/// Multiplies prepared activations `a` by weights `w` (N = `w.rows`, K = `a`'s columns) and writes
/// `epilogue(acc)` to `output[m * outputStride + n]`, working in `scratch` (`scratchBytes`, 64-byte
/// aligned, at least `IntegerGemmScratch.multiplyBytes` for N = `w.rows` ending in FP32).
/// Throws before writing anything if `w` doesn't fit `a` or the scratch is short. Allocates nothing.
public func integerGemm(
    _ a: PreparedActivations, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice? = nil, epilogue: Epilogue,
    output: UnsafeMutablePointer<Float>, outputStride: Int, scratch: UnsafeMutableRawPointer, scratchBytes: Int
) throws(KernelError) {
    try check(a, w, regrouped, endsInCodes: false, scratch: scratch, scratchBytes: scratchBytes)
    guard a.rows > 0, w.rows > 0 else { return }
    let destination = GemmDestination(.floats(epilogue, output: output, outputStride: outputStride), columns: w.rows)
    a.kernel.multiply(a.matrix, prepared: a.storage, w, operands: a.operands, regrouped: regrouped, path: a.path,
                      scratch: scratch, into: destination)
}

/// Multiplies like the FP32-ending form but ends in packed codes by `thresholds` (column n uses
/// `thresholds` column n) in `output`; the scratch is `IntegerGemmScratch.multiplyBytes` ending in
/// codes. Same fields on every path. Throws before writing anything. Allocates nothing.
public func integerGemm(
    _ a: PreparedActivations, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice? = nil, thresholds: CodeThresholds,
    output: CodesOutput, scratch: UnsafeMutableRawPointer, scratchBytes: Int
) throws(KernelError) {
    try check(a, w, regrouped, endsInCodes: true, scratch: scratch, scratchBytes: scratchBytes)
    if let error = output.layoutError(format: thresholds.format, columns: w.rows) { throw error }
    guard a.rows > 0, w.rows > 0 else { return }
    let codes = GemmDestination(.codes(thresholds, output), columns: w.rows)
    guard case .portableMultiBit = a.kernel else {
        return a.kernel.multiply(a.matrix, prepared: a.storage, w, operands: a.operands, regrouped: regrouped,
                                 path: a.path, scratch: scratch, into: codes)
    }
    // This kernel finishes four accumulators at a time: collect them after its weight block,
    // then drain them in one block.
    let weightBytes = multiBitPortableMultiplyParts(GemmShape(rows: a.rows, columns: w.rows, depth: w.columns)).total
    let accumulators = (scratch + weightBytes).bindMemory(to: Int32.self, capacity: a.rows * w.rows)
    a.kernel.multiply(a.matrix, prepared: a.storage, w, operands: a.operands, regrouped: nil, path: a.path,
                      scratch: scratch, into: GemmDestination(.accumulators(accumulators, stride: w.rows), columns: w.rows))
    codes.drainBlock(accumulators, accumulatorStride: w.rows, rows: a.rows, firstRow: 0, firstColumn: 0,
                     count: w.rows, path: a.path)
}

/// Checks that `w` (and `regrouped`) multiply `a` and that the scratch holds one multiply.
private func check(_ a: PreparedActivations, _ w: PackedMatrix, _ regrouped: RegroupedWeights.Slice?, endsInCodes: Bool,
                   scratch: UnsafeMutableRawPointer, scratchBytes: Int) throws(KernelError) {
    guard w.format == a.weightsFormat else { throw .unsupportedFormats(a.matrix.format, w.format) }
    _ = try checkedOperands(a.matrix, w, regrouped)
    let shape = GemmShape(rows: a.rows, columns: w.rows, depth: w.columns)
    let needed = a.kernel.multiplyParts(shape, endsInCodes: endsInCodes).total
    if let error = scratchError(scratch, bytes: scratchBytes, needed: needed, role: "multiply") { throw error }
}
