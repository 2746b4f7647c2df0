/// The 2-bit × 2-bit GEMM by table lookup on x86-64 AVX2 (`qv_lookup.h`): each nibble of a packed
/// activation row selects a 16-entry table of its dot products with every pair of weight codes,
/// and `vpshufb` looks the packed weight nibbles up in it — 64 multiply-adds an instruction,
/// against 32 for `vpmaddubsw` on widened bytes, which the AVX2 path used before. Weights are read
/// regrouped (`RegroupedWeights`); activations need no preparation. Bias corrections make the
/// Int32 sums equal to the reference's; they reach the output through the shared epilogue.
#if arch(x86_64)
import CQVKernelsX86

/// Where the table-lookup kernel runs.
public enum LookupGemm {
    /// Whether 2-bit × 2-bit products on `path` run the lookup kernel on a CPU with `features`
    /// (this CPU's by default): the AVX2 path, and the AVX-512 path of CPUs without AVX512-VNNI
    /// (zmm `vpdpbusd` is faster where it exists: README, `qvc bench --kernels`).
    public static func isUsed(path: KernelPath, features: UInt32 = qv_x86_features()) -> Bool {
        let needed = UInt32(QV_X86_AVX2) | UInt32(QV_X86_POPCNT)
        guard features & needed == needed else { return false }
        switch path {
        case .avx2: return true
        case .avx512: return MultiBitX86Kernel(path: path, features: features) != .avx512Vnni
        case .scalar, .portable, .neon: return false
        }
    }

    /// Whether `a` × `w` codes on `path` run the lookup kernel.
    static func isUsed(_ a: QuantFormat, _ w: QuantFormat, path: KernelPath) -> Bool {
        a.fieldBits == 2 && w.fieldBits == 2 && isUsed(path: path)
    }

    /// Activation rows per kernel call, drained together.
    static let blockRows = 8

    /// The scratch of one multiply call of `shape`: weights regrouped in place of missing
    /// `RegroupedWeights`, the tables and column corrections, and a block of Int32 sums.
    static func multiplyParts(_ shape: GemmShape) -> ScratchParts {
        let columns = (shape.columns + 15) / 16 * 16
        return ScratchParts(qv_mb_regrouped_bytes(shape.columns, shape.depth), qv_lookup_scratch_bytes() + columns * 4,
                            min(blockRows, shape.rows) * columns * 4)
    }

    /// `a` × `w` into `destination`, reading `regrouped` (the same weights as `w`) when given, in
    /// `scratch` (`multiplyParts` bytes).
    static func multiply(_ a: PackedMatrix, _ w: PackedMatrix, regrouped: RegroupedWeights.Slice?,
                         scratch: UnsafeMutableRawPointer, into destination: GemmDestination) {
        let shape = GemmShape(rows: a.rows, columns: w.rows, depth: a.columns)
        let parts = multiplyParts(shape), groups = (w.rows + 15) / 16, columns = 16 * groups
        var carver = ScratchCarver(scratch)
        let panel = carver.take(parts.first).bindMemory(to: UInt8.self, capacity: parts.first)
        let tables = carver.take(parts.second).bindMemory(to: UInt8.self, capacity: parts.second)
        let corrections = (UnsafeMutableRawPointer(tables) + qv_lookup_scratch_bytes()).bindMemory(to: Int32.self, capacity: columns)
        let sums = carver.take(parts.third).bindMemory(to: Int32.self, capacity: min(blockRows, a.rows) * columns)
        let weights: UnsafePointer<UInt8>
        if let regrouped {
            let groupBytes = qv_mb_panel_steps(a.columns) * 16
            weights = UnsafePointer(regrouped.weights.bytes.assumingMemoryBound(to: UInt8.self) + regrouped.firstGroup * groupBytes)
        } else {
            var codes = qv_mb_codes(w)
            qv_mb_regroup_weights(&codes, panel)
            weights = UnsafePointer(panel)
        }
        let weightFormat = qv_mb_codes.format(w.format)
        qv_lookup_column_corrections_avx2(weights, weightFormat, a.columns, groups, qv_mb_codes.format(a.format), corrections)
        var activations = qv_mb_codes(a)
        for firstRow in stride(from: 0, to: a.rows, by: blockRows) {
            let rows = min(blockRows, a.rows - firstRow)
            qv_lookup_gemm_avx2(&activations, firstRow, rows, weights, weightFormat, groups, corrections, tables, sums, columns)
            destination.drainBlock(sums, accumulatorStride: columns, rows: rows, firstRow: firstRow, firstColumn: 0,
                                   count: w.rows, path: .avx2)
        }
    }
}
#endif
