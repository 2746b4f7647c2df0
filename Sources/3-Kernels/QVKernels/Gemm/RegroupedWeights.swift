#if arch(x86_64)
import CQVKernelsX86
#endif

/// 2-bit weights regrouped once, when a model is loaded, for the AVX-512 VNNI GEMM and the AVX2
/// table-lookup GEMM: the bytes that one step of 16 output columns needs sit together, so each
/// product widens them to its int8 panel (VNNI) or looks them up as they are (lookup) instead of
/// gathering and transposing rows (the layout in `qv_multibit.h`).
/// Costs one more copy of the 2-bit weights (1/16 of their FP32 size); nil wherever that kernel
/// doesn't run.
public final class RegroupedWeights {
    /// The regrouped bytes.
    let bytes: UnsafeMutableRawPointer
    /// Weight rows (output columns) and K.
    let rows: Int, columns: Int
    /// Format of the codes.
    let format: QuantFormat

    /// Regroups `w` for `path`, or returns nil when `path` on this CPU runs neither kernel that
    /// reads regrouped weights or `w` doesn't hold 2-bit codes.
    public init?(_ w: PackedMatrix, path: KernelPath) {
        #if arch(x86_64)
        guard Self.isUsed(for: w, path: path) else { return nil }
        rows = w.rows
        columns = w.columns
        format = w.format
        bytes = UnsafeMutableRawPointer.allocate(byteCount: Self.byteCount(of: w), alignment: 64)
        var codes = qv_mb_codes(w)
        qv_mb_regroup_weights(&codes, bytes.assumingMemoryBound(to: UInt8.self))
        #else
        return nil
        #endif
    }

    deinit { bytes.deallocate() }

    /// Whether products of `w` on `path` run the kernel that reads regrouped weights, so that
    /// `init(_:path:)` regroups them: 2-bit codes, a valid layout, the AVX-512 VNNI or the lookup
    /// kernel (for 2-bit activations; 8-bit ones ignore the copy).
    public static func isUsed(for w: PackedMatrix, path: KernelPath) -> Bool {
        #if arch(x86_64)
        return w.format.fieldBits == 2 && w.layoutError(operand: "w") == nil && w.rows > 0
            && (MultiBitX86Kernel(path: path) == .avx512Vnni || LookupGemm.isUsed(path: path))
        #else
        return false
        #endif
    }

    /// Bytes the regrouped copy of `w` takes (0 where weights are never regrouped).
    public static func byteCount(of w: PackedMatrix) -> Int {
        #if arch(x86_64)
        return qv_mb_regrouped_bytes(max(0, w.rows), max(0, w.columns))
        #else
        return 0
        #endif
    }

    /// The weights of rows `first...` (a multiple of 16), for a product over those rows only.
    public func fromRow(_ first: Int) -> Slice {
        precondition(first % 16 == 0 && first < rows, "regrouped weights split only at multiples of 16 rows")
        return Slice(weights: self, firstGroup: first / 16)
    }

    /// Regrouped weights from a group of 16 rows on.
    public struct Slice {
        let weights: RegroupedWeights
        let firstGroup: Int
    }
}
