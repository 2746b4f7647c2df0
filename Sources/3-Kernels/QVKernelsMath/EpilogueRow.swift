/// The GEMM epilogue over one output row, 16 columns at a time:
/// out[j] = act(acc[j] · scale[j] + bias[j]) + residual[j], in that order, elementwise — so it
/// gives the same bits as any other lane width of the same operations.

/// The activation an epilogue applies after the bias.
public enum EpilogueActivation: Sendable {
    /// Identity.
    case none
    /// Exact (erf) GELU.
    case gelu
    /// Hyperbolic tangent (BERT's pooler).
    case tanh
}

/// What the epilogue applies, as plain pointers (the kernels' `Epilogue` resolved for one row).
public struct EpilogueRowParameters {
    /// Per-column scales, or nil to use `scalarScale`.
    public var columnScales: UnsafePointer<Float>?
    /// Scale for every column when `columnScales` is nil.
    public var scalarScale: Float
    /// Per-column bias, or nil.
    public var bias: UnsafePointer<Float>?
    /// Applied after the bias.
    public var activation: EpilogueActivation
    /// This row's residual, or nil. May alias the output.
    public var residual: UnsafePointer<Float>?

    /// Parameters for one row.
    @inlinable
    public init(columnScales: UnsafePointer<Float>?, scalarScale: Float, bias: UnsafePointer<Float>?, activation: EpilogueActivation,
                residual: UnsafePointer<Float>?) {
        self.columnScales = columnScales
        self.scalarScale = scalarScale
        self.bias = bias
        self.activation = activation
        self.residual = residual
    }
}

extension Lanes16 {
    /// `activation` on each lane: the one place every epilogue applies it.
    @_alwaysEmitIntoClient @inline(__always)
    public static func activate(_ activation: EpilogueActivation, _ v: SIMD16<Float>) -> SIMD16<Float> {
        switch activation {
        case .none: return v
        case .gelu: return gelu(v)
        case .tanh: return hyperbolicTangent(v)
        }
    }

    /// Finishes 16 accumulators of columns `column..<column+16` (the first `count` are real).
    @_alwaysEmitIntoClient @inline(__always)
    public static func finish(_ p: EpilogueRowParameters, _ accumulators: SIMD16<Float>, column: Int, count: Int) -> SIMD16<Float> {
        func lanes(_ source: UnsafePointer<Float>) -> SIMD16<Float> {
            count == 16 ? loadSixteen(source + column) : loadSixteen(source + column, count: count, filler: 0)
        }
        var v = accumulators * (p.columnScales.map(lanes) ?? SIMD16(repeating: p.scalarScale))
        if let bias = p.bias { v += lanes(bias) }
        v = activate(p.activation, v)
        if let residual = p.residual { v += lanes(residual) }
        return v
    }
}

/// An affine map applied to Int32 accumulators before the epilogue, in wrapping Int32 arithmetic:
/// `acc · multiplier + constant + rowScale · rowAddends[row]` (the binary GEMMs turn popcounts
/// into dot products this way: `K − 2·count`, or `2·count − ones[row]`).
public struct AccumulatorTransform {
    /// Multiplies each accumulator.
    public var multiplier: Int32
    /// Added to every accumulator.
    public var constant: Int32
    /// One term per row, or nil.
    public var rowAddends: UnsafePointer<Int32>?
    /// Multiplies the row term.
    public var rowScale: Int32

    /// The identity (accumulators unchanged).
    public static var identity: AccumulatorTransform { AccumulatorTransform(multiplier: 1, constant: 0, rowAddends: nil, rowScale: 0) }

    /// A transform.
    @_alwaysEmitIntoClient
    public init(multiplier: Int32, constant: Int32, rowAddends: UnsafePointer<Int32>?, rowScale: Int32) {
        self.multiplier = multiplier
        self.constant = constant
        self.rowAddends = rowAddends
        self.rowScale = rowScale
    }

    /// What every accumulator of row `row` gains after the multiplier: the constant plus the row term.
    @_alwaysEmitIntoClient @inline(__always)
    public func addend(row: Int) -> Int32 {
        constant &+ (rowAddends.map { $0[row] &* rowScale } ?? 0)
    }
}

extension Lanes16 {
    /// Applies `transform` and then the epilogue to `rows` rows of `count` accumulators
    /// (`accumulatorStride` apart) and writes them `outputStride` apart. `p` describes row 0;
    /// row r's residual is `residualStride · r` further on. One call per block of rows, so the
    /// per-call set-up is paid once.
    @_alwaysEmitIntoClient @inline(__always)
    public static func epilogueBlock(
        _ accumulators: UnsafePointer<Int32>, accumulatorStride: Int, rows: Int, count: Int,
        transform: AccumulatorTransform, _ p: EpilogueRowParameters, residualStride: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        for row in 0..<rows {
            var q = p
            q.residual = p.residual.map { $0 + row * residualStride }
            let addend = transform.addend(row: row)
            let source = accumulators + row * accumulatorStride, destination = output + row * outputStride
            var column = 0
            while column + 16 <= count {
                let acc = UnsafeRawPointer(source + column).loadUnaligned(as: SIMD16<Int32>.self) &* transform.multiplier &+ addend
                storeSixteen(finish(q, ISA.floats(acc), column: column, count: 16), to: destination + column)
                column += 16
            }
            if column < count {
                var acc = SIMD16<Int32>()
                for lane in 0..<(count - column) { acc[lane] = source[column + lane] }
                acc = acc &* transform.multiplier &+ addend
                storeSixteen(finish(q, ISA.floats(acc), column: column, count: count - column),
                             to: destination + column, count: count - column)
            }
        }
    }
}
