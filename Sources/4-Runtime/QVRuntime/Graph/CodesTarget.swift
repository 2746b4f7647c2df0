import QVFormat
import QVKernels

/// An op output that an integer GEMM writes as codes directly, through the integer thresholds
/// the compiler folded from the op's FP32 epilogue and the output's quantizer: the codes value
/// (row-major, or per attention head) and its threshold table.
struct CodesTarget {
    /// The codes value.
    let value: Int
    /// Codes per row, and heads they are split into (1 for row-major).
    let features: Int, heads: Int
    /// The thresholds, resolved to the kernels' form (column 0 = the op's first output column).
    let thresholds: CodeThresholds

    /// Binds output `value` to threshold tensor `weight` of the op: Int32 `[2·B, columns]`, or
    /// `[2·B, 1]` shared by every column when `columns` is 0.
    init(_ b: OpBinding, value: Int, weight: Int, columns: Int) throws(RuntimeError) {
        guard case .codes(let features, let quantizer, let arrangement) = b.layouts[value].elements else {
            throw b.error("output '\(b.layouts[value].name)' must hold codes")
        }
        let format = quantizer.format
        switch arrangement {
        case .rowMajor: heads = 1
        case .headMajor(let h): heads = h
        case .headMajorTransposed:
            throw b.error("output '\(b.layouts[value].name)' is per-head transposed; a GEMM writes codes row-major or per head")
        }
        guard format.bits <= 2, (features / heads) * format.bits % 8 == 0 || heads == 1 else {
            throw b.error("output '\(b.layouts[value].name)' (\(format), \(heads) heads) can't take codes from a GEMM: "
                + "1- or 2-bit codes in whole bytes per head are required")
        }
        let t = b.weight(weight), rows = 2 * CodeThresholds.boundaries(of: format), width = max(columns, 1)
        guard t.type == .i32, t.shape == [rows, width], t.bytes.count >= rows * width * 4 else {
            throw b.error("thresholds '\(t.name)' must be Int32 of shape [\(rows), \(width)], has \(t.type) \(t.shape)")
        }
        let table = t.bytes.baseAddress!.assumingMemoryBound(to: Int32.self)
        let lowers = UnsafeBufferPointer(start: table + rows / 2 * width, count: rows / 2 * width)
        self.value = value
        self.features = features
        thresholds = CodeThresholds(format: format, table: table, columns: columns, hasLower: lowers.contains { $0 != .min })!
    }

    /// Where GEMM row 0, column 0 lands — output row `firstRow`, column `columnOrigin` — in this
    /// run's arena.
    func output(_ c: StepContext, columnOrigin: Int, firstRow: Int = 0) -> CodesOutput {
        let head0 = c.codes(value, head: 0)
        let headStride = heads > 1 ? UnsafeRawPointer(c.codes(value, head: 1).base) - UnsafeRawPointer(head0.base) : 0
        return CodesOutput(base: head0.base + firstRow * head0.rowStride, rowStride: head0.rowStride, headColumns: features / heads,
                           headStride: headStride, columnOrigin: columnOrigin)
    }
}
