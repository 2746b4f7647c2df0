import QVKernelsMath

/// The GEMM epilogue: what happens to an accumulator on its way to the output,
/// out[m·ldo + n] = act(Float(acc[m][n]) · scale[n] + bias[n]) + residual[m·residualStride + n].
///
/// Paths that finish four accumulators at a time call the four-lane `store` below; the others
/// drain blocks through the shared 16-lane row kernels (`drainBlock`). Both do the same IEEE
/// operations in the same order, never fused, so outputs of integer GEMMs are bit-identical
/// across paths. A codes destination drains through integer thresholds instead (`CodeThresholds`).

/// The dequantization scale applied to accumulators: one for all columns, or one per column.
public enum EpilogueScale {
    /// The same scale for every output column.
    case scalar(Float)
    /// `scale[n]` for output column n (N floats).
    case perColumn(UnsafePointer<Float>)
}

/// Scale, optional bias, activation and optional residual, applied in that order.
public struct Epilogue {
    /// Multiplies `Float(acc)`.
    public var scale: EpilogueScale
    /// Per-column bias (N floats), added after scaling; nil for none.
    public var bias: UnsafePointer<Float>?
    /// Applied after the bias (`EpilogueActivation`, shared with the row kernels).
    public var activation: EpilogueActivation
    /// Added last: element (m, n) is `residual[m * residualStride + n]`; nil for none. It may be
    /// the output itself (same stride) for an in-place residual connection.
    public var residual: UnsafePointer<Float>?
    /// Floats from one residual row to the next.
    public var residualStride: Int

    /// An epilogue; the default is the identity (`out = Float(acc)`).
    public init(
        scale: EpilogueScale = .scalar(1), bias: UnsafePointer<Float>? = nil,
        activation: EpilogueActivation = .none, residual: UnsafePointer<Float>? = nil, residualStride: Int = 0
    ) {
        self.scale = scale
        self.bias = bias
        self.activation = activation
        self.residual = residual
        self.residualStride = residualStride
    }

    /// Finishes `count` (1...4) accumulated values of output row `row`, columns `column...`, and
    /// stores them. Each residual element is read before its output element is written.
    @inline(__always)
    func store(
        _ accumulators: SIMD4<Float>, row: Int, column: Int, count: Int,
        to output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        var values: SIMD4<Float>
        switch scale {
        case .scalar(let factor): values = accumulators * factor
        case .perColumn(let factors): values = accumulators * loadLanes(factors + column, count: count)
        }
        if let bias { values += loadLanes(bias + column, count: count) }
        if activation != .none {
            values = BaselineKernels.activate(activation, SIMD16(lowHalf: SIMD8(lowHalf: values, highHalf: .zero), highHalf: .zero)).lowHalf.lowHalf
        }
        if let residual { values += loadLanes(residual + row * residualStride + column, count: count) }
        let destination = output + row * outputStride + column
        if count == 4 {
            UnsafeMutableRawPointer(destination).storeBytes(of: values, as: SIMD4<Float>.self)
        } else {
            for lane in 0..<count { destination[lane] = values[lane] }
        }
    }
}

/// `count` (1...4) floats from `source` in the low lanes, zeros above.
@inline(__always)
private func loadLanes(_ source: UnsafePointer<Float>, count: Int) -> SIMD4<Float> {
    if count == 4 { return UnsafeRawPointer(source).loadUnaligned(as: SIMD4<Float>.self) }
    var lanes = SIMD4<Float>()
    for lane in 0..<count { lanes[lane] = source[lane] }
    return lanes
}

extension Epilogue {
    /// The epilogue resolved for output row `row` (residual row pointer), for the row kernels.
    func rowParameters(row: Int) -> EpilogueRowParameters {
        var columnScales: UnsafePointer<Float>?, scalarScale: Float = 1
        switch scale {
        case .scalar(let factor): scalarScale = factor
        case .perColumn(let factors): columnScales = factors
        }
        return EpilogueRowParameters(columnScales: columnScales, scalarScale: scalarScale, bias: bias,
                                     activation: activation, residual: residual.map { $0 + row * residualStride })
    }
}

extension GemmDestination {
    /// Applies `transform` and then the destination's finish (epilogue, thresholds, or nothing)
    /// to a block of `rows` × `count` Int32 accumulators (`accumulatorStride` apart) for output
    /// rows `firstRow...`, columns `firstColumn...`, with the block kernel of `path` (same
    /// results on every path).
    func drainBlock(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, firstRow: Int,
                    firstColumn: Int, count: Int, transform: AccumulatorTransform = .identity, path: KernelPath) {
        switch target {
        case .floats(let epilogue, let output, let outputStride):
            drainFloats(accumulators, accumulatorStride: accumulatorStride, rows: rows, firstRow: firstRow,
                        firstColumn: firstColumn, count: count, transform: transform, path: path,
                        epilogue: epilogue, output: output, outputStride: outputStride)
        case .codes(let thresholds, let output):
            output.forEachRun(first: firstColumn, count: count, bits: thresholds.format.bits) { column, run, address, padBytes in
                drainCodes(accumulators + (column - firstColumn), accumulatorStride: accumulatorStride, rows: rows,
                           count: run, transform: transform, thresholds.fromColumn(column),
                           output: address + firstRow * output.rowStride, outputStride: output.rowStride,
                           padBytes: padBytes, path: path)
            }
        case .accumulators(let base, let stride):
            for row in 0..<rows {
                let addend = transform.addend(row: row)
                for column in 0..<count {
                    base[(firstRow + row) * stride + firstColumn + column] =
                        accumulators[row * accumulatorStride + column] &* transform.multiplier &+ addend
                }
            }
        }
    }

    private func drainFloats(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, firstRow: Int,
                             firstColumn: Int, count: Int, transform: AccumulatorTransform, path: KernelPath,
                             epilogue: Epilogue, output: UnsafeMutablePointer<Float>, outputStride: Int) {
        var p = epilogue.rowParameters(row: firstRow)
        p.columnScales = p.columnScales.map { $0 + firstColumn }
        p.bias = p.bias.map { $0 + firstColumn }
        p.residual = p.residual.map { $0 + firstColumn }
        let out = output + firstRow * outputStride + firstColumn
        RowKernelTable.of(path).epilogueBlock(accumulators, accumulatorStride, rows, count, transform, p,
                                              epilogue.residualStride, out, outputStride)
    }
}

/// One run of a codes drain: `rows` × `count` accumulators → fields at `output` (row 0 of the
/// run), with the path's block kernel, or the definition (`CodeThresholds.field`) on `.scalar`.
private func drainCodes(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, count: Int,
                        transform: AccumulatorTransform, _ thresholds: CodeThresholds,
                        output: UnsafeMutableRawPointer, outputStride: Int, padBytes: Int, path: KernelPath) {
    guard path == .scalar else {
        return RowKernelTable.of(path).codesBlock(accumulators, accumulatorStride, rows, count, transform, thresholds.lanes,
                                                  output, outputStride, padBytes)
    }
    let format = thresholds.format
    let run = MutablePackedMatrix(base: output, rows: rows, columns: count, rowStride: outputStride, format: format)
    for row in 0..<rows {
        let addend = transform.addend(row: row)
        (output + row * outputStride).initializeMemory(as: UInt8.self, repeating: format.paddingByte,
                                                       count: format.packedBytes(count: count) + padBytes)
        for column in 0..<count {
            let acc = accumulators[row * accumulatorStride + column] &* transform.multiplier &+ addend
            run.setCode(format.code(ofField: thresholds.field(acc, column: column)), row: row, column: column)
        }
    }
}
