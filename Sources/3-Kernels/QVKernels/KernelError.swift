/// Why a kernel refused its operands. Kernels check shapes and layouts before reading memory,
/// so a refusal never leaves partial output behind.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// No integer GEMM multiplies codes of these formats (activations `a`, weights `w`).
    case unsupportedFormats(QuantFormat, QuantFormat)
    /// The activations' row length `a.columns` differs from the weights' `w.columns`.
    case depthMismatch(aColumns: Int, wColumns: Int)
    /// An operand's rows/columns are negative, or its row stride is not a multiple of 64 bytes
    /// at least as long as one packed row.
    case invalidLayout(operand: String, rows: Int, columns: Int, rowStride: Int)
    /// A codes output or its thresholds don't fit the product (see `detail`).
    case badCodesOutput(detail: String)
    /// Caller-provided scratch is misaligned or smaller than `IntegerGemmScratch` states.
    case badScratch(detail: String)

    /// What went wrong, where, and what to do about it.
    public var description: String {
        switch self {
        case let .unsupportedFormats(a, w):
            return "integerGemm: no kernel for activations \(a) × weights \(w); supported pairs are "
                + "b1×b1, u1×b1 and any of s2/u2/s8/u8 × s2/u2/s8/u8 — re-quantize one operand"
        case let .depthMismatch(aColumns, wColumns):
            return "integerGemm: activations have \(aColumns) columns but weights have \(wColumns); "
                + "both operands must be stored K-major with the same K"
        case let .invalidLayout(operand, rows, columns, rowStride):
            return "integerGemm: operand \(operand) has \(rows) rows × \(columns) columns with row stride "
                + "\(rowStride) bytes; sizes must be non-negative and the stride a multiple of \(packedRowAlignment) that "
                + "holds a packed row (use packedRowStride(columns:format:))"
        case let .badCodesOutput(detail):
            return "integerGemm: codes output: \(detail); recompile the model with this qv version"
        case let .badScratch(detail):
            return "integerGemm: \(detail); size it with IntegerGemmScratch for these shapes and path"
        }
    }
}
