import QVFormat
import QVKernels

/// Folds a GEMM's FP32 epilogue and the next layer's quantizer into integer thresholds
/// (`CodeThresholds`), so the runtime turns accumulators straight into codes. The search runs
/// the very FP32 operations the runtime's epilogue runs (multiply, add, the shared activation) on every
/// accumulator a column can produce and reads off where each code boundary is crossed; the
/// result is exact by construction, and a column whose codes don't fit the form is refused.
enum ThresholdSearch {
    /// One output column's epilogue: `act(Float(acc) · scale + bias)`.
    struct Column {
        let scale: Float
        let bias: Float?
        let activation: QVB.Activation
    }

    /// The threshold table (2·B rows of `columns.count` Int32s, uppers then lowers) and whether
    /// any lower threshold is used; nil when some column's codes over its accumulator range
    /// `ranges[n]` are not of the form "boundary j passed when acc ≥ upper or acc ≤ lower".
    static func table(columns: [Column], ranges: [ClosedRange<Int32>], next: Quantizer) -> (table: [Int32], hasLower: Bool)? {
        let b = CodeThresholds.boundaries(of: next.format), n = columns.count
        guard next.format.bits <= 2, ranges.count == n else { return nil }
        var table = [Int32](repeating: .min, count: 2 * b * n)
        var hasLower = false
        var y: [Float] = []
        for (c, column) in columns.enumerated() {
            let range = ranges[c]
            let count = Int(range.upperBound) - Int(range.lowerBound) + 1
            y = (0..<count).map { Float(Int32(Int(range.lowerBound) + $0)) * column.scale }
            if let bias = column.bias { y = y.map { $0 + bias } }
            y.withUnsafeMutableBufferPointer { values in
                switch column.activation {
                case .none: break
                case .gelu: geluInPlace(values.baseAddress!, count: count)
                case .tanh: hyperbolicTangentInPlace(values.baseAddress!, count: count)
                }
            }
            let fields = y.map { next.format.field(ofCode: next.code($0)) }
            for j in 1...b {
                guard let (upper, lower) = crossings(fields, boundary: UInt8(j), first: range.lowerBound) else { return nil }
                table[(j - 1) * n + c] = upper
                table[(b + j - 1) * n + c] = lower
                hasLower = hasLower || lower != .min
            }
        }
        return (table, hasLower)
    }

    /// Upper and lower threshold of one boundary over `fields` (for accumulators `first...`):
    /// fields ≥ `boundary` must form a leading run (→ lower) and a trailing run (→ upper) with
    /// nothing in between.
    private static func crossings(_ fields: [UInt8], boundary: UInt8, first: Int32) -> (upper: Int32, lower: Int32)? {
        let count = fields.count
        let leading = fields.firstIndex { $0 < boundary } ?? count
        if leading == count { return (.min, .min) }
        let trailing = count - 1 - (fields.lastIndex { $0 < boundary } ?? -1)
        guard fields[leading..<(count - trailing)].allSatisfy({ $0 < boundary }) else { return nil }
        let lower = leading > 0 ? first + Int32(leading - 1) : .min
        let upper = trailing > 0 ? first + Int32(count - trailing) : .max
        return (upper, lower)
    }

    /// The accumulators each weight row can produce against activations of `activation` codes:
    /// Σ_k of the smaller and of the larger of codeMin·w and codeMax·w.
    static func ranges(weights: PackedWeights, activation: QuantFormat) -> [ClosedRange<Int32>] {
        return weights.bytes.withUnsafeBytes { raw in
            let w = PackedMatrix(base: raw.baseAddress!, rows: weights.rows, columns: weights.columns,
                                 rowStride: weights.rowStride, format: weights.format)
            let lo = Int64(activation.codeMin), hi = Int64(activation.codeMax)
            return (0..<weights.rows).map { r in
                var low: Int64 = 0, high: Int64 = 0
                for k in 0..<weights.columns {
                    let code = Int64(w.code(row: r, column: k))
                    low += min(lo * code, hi * code)
                    high += max(lo * code, hi * code)
                }
                return Int32(clamping: low)...Int32(clamping: high)
            }
        }
    }
}
