import QVKernelsMath
#if arch(x86_64)
import QVKernelsAVX2
import QVKernelsAVX512
#endif

/// The GEMM epilogue: what happens to an accumulator on its way to the output,
/// out[m·ldo + n] = act(Float(acc[m][n]) · scale[n] + bias[n]) + residual[m·residualStride + n].
///
/// Every GEMM path calls the same four-lane `store` below, so outputs of integer GEMMs are
/// bit-identical across paths (lane arithmetic is IEEE, never fused).

/// The dequantization scale applied to accumulators: one for all columns, or one per column.
public enum EpilogueScale {
    /// The same scale for every output column.
    case scalar(Float)
    /// `scale[n]` for output column n (N floats).
    case perColumn(UnsafePointer<Float>)
}

/// The activation applied after scale and bias.
public enum EpilogueActivation: Sendable {
    /// Identity.
    case none
    /// Exact GELU (`gelu(_:)`).
    case gelu
}

/// Scale, optional bias, activation and optional residual, applied in that order.
public struct Epilogue {
    /// Multiplies `Float(acc)`.
    public var scale: EpilogueScale
    /// Per-column bias (N floats), added after scaling; nil for none.
    public var bias: UnsafePointer<Float>?
    /// Applied after the bias.
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
        if case .gelu = activation {
            values = BaselineKernels.gelu(SIMD16(lowHalf: SIMD8(lowHalf: values, highHalf: .zero), highHalf: .zero)).lowHalf.lowHalf
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
                                     gelu: activation == .gelu, residual: residual.map { $0 + row * residualStride })
    }

    /// Whether the residual may overlap `output` (then sums cannot be stored before the residual is read).
    func residualMayAlias(_ output: UnsafeMutablePointer<Float>) -> Bool {
        residual.map { UnsafeRawPointer($0) == UnsafeRawPointer(output) } ?? false
    }
}

extension GemmDestination {
    /// Applies `transform` and the epilogue to a block of `rows` × `count` Int32 accumulators
    /// (`accumulatorStride` apart) for output rows `firstRow...`, columns `firstColumn...`, with
    /// the block kernel of `path` (same bits on every path).
    func drainBlock(_ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, firstRow: Int,
                    firstColumn: Int, count: Int, transform: AccumulatorTransform = .identity, path: KernelPath) {
        var p = epilogue.rowParameters(row: firstRow)
        p.columnScales = p.columnScales.map { $0 + firstColumn }
        p.bias = p.bias.map { $0 + firstColumn }
        p.residual = p.residual.map { $0 + firstColumn }
        let out = output + firstRow * outputStride + firstColumn
        #if arch(x86_64)
        switch path {
        case .avx512:
            return QVKernelsAVX512.epilogueBlock(accumulators, accumulatorStride: accumulatorStride, rows: rows, count: count,
                                                 transform: transform, p, residualStride: epilogue.residualStride,
                                                 output: out, outputStride: outputStride)
        case .avx2:
            return QVKernelsAVX2.epilogueBlock(accumulators, accumulatorStride: accumulatorStride, rows: rows, count: count,
                                               transform: transform, p, residualStride: epilogue.residualStride,
                                               output: out, outputStride: outputStride)
        case .scalar, .portable, .neon: break
        }
        #endif
        BaselineKernels.epilogueBlock(accumulators, accumulatorStride: accumulatorStride, rows: rows, count: count,
                                      transform: transform, p, residualStride: epilogue.residualStride,
                                      output: out, outputStride: outputStride)
    }
}
