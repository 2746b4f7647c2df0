/// The 2-bit × 2-bit GEMM by table lookup on ARM64 NEON without DotProd (`qv_arm.h`): each nibble
/// of a packed activation row selects a 16-entry table of its dot products with every pair of
/// weight codes, and `tbl` looks the packed weight nibbles up in it — 32 multiply-adds an
/// instruction, against 16 for the `mla` on widened bytes that ran there before (llvm-mca on a
/// Cortex-A72: 14.2 MACs a cycle against 8.0; README). Weights are regrouped a block at a time
/// per call; activations are read as they are packed. Sums equal the reference's bit for bit.
#if arch(arm64)
import CQVKernelsARM
import QVQuant

/// Where and how the NEON table-lookup kernel runs.
enum NeonLookupGemm {
    /// Whether `a` × `w` codes run the lookup kernel on this CPU: 2-bit pairs without DotProd
    /// (`sdot` is faster where it exists).
    static func isUsed(_ a: QuantFormat, _ w: QuantFormat) -> Bool {
        a.fieldBits == 2 && w.fieldBits == 2 && qv_arm_features() & UInt32(QV_ARM_DOTPROD) == 0
    }

    /// Weight rows regrouped and multiplied per block (a multiple of 16).
    static let weightBlockRows = 64
    /// Activation rows per kernel call before the epilogue drains the accumulators.
    static let tileRows = 16

    /// The scratch of one multiply call of `shape`: a block of regrouped weights and their field
    /// sums, the kernel's tables, and the Int32 tile.
    static func multiplyParts(_ shape: GemmShape) -> ScratchParts {
        let steps = (shape.depth + 3) / 4
        return ScratchParts(weightBlockRows * steps + weightBlockRows * 4, qv_neon_lookup_scratch_bytes(),
                            min(tileRows, shape.rows) * weightBlockRows * 4)
    }

    /// `a` × `w` into `destination`, in `scratch` (`multiplyParts` bytes).
    static func multiply(_ a: PackedMatrix, _ w: PackedMatrix, scratch: UnsafeMutableRawPointer,
                         into destination: GemmDestination) {
        let shape = GemmShape(rows: a.rows, columns: w.rows, depth: a.columns)
        let parts = multiplyParts(shape), steps = (a.columns + 3) / 4
        var carver = ScratchCarver(scratch)
        let block = carver.take(parts.first)
        let regrouped = block.bindMemory(to: UInt8.self, capacity: weightBlockRows * steps)
        let fieldSums = (block + weightBlockRows * steps).bindMemory(to: UInt32.self, capacity: weightBlockRows)
        let tables = carver.take(parts.second).bindMemory(to: UInt8.self, capacity: parts.second)
        let tile = carver.take(parts.third).bindMemory(to: Int32.self, capacity: min(tileRows, a.rows) * weightBlockRows)
        let activations = a.base.assumingMemoryBound(to: UInt8.self)
        let aOffset = fieldOffset(a.format), wOffset = fieldOffset(w.format)
        for firstColumn in stride(from: 0, to: w.rows, by: weightBlockRows) {
            let columns = min(weightBlockRows, w.rows - firstColumn)
            qv_neon_lookup_regroup(w.base.assumingMemoryBound(to: UInt8.self) + firstColumn * w.rowStride, w.rowStride,
                                   columns, a.columns, regrouped, fieldSums)
            for firstRow in stride(from: 0, to: a.rows, by: tileRows) {
                let rows = min(tileRows, a.rows - firstRow)
                qv_neon_lookup_s2(activations + firstRow * a.rowStride, a.rowStride, rows, a.columns, aOffset,
                                  regrouped, (columns + 15) / 16, wOffset, fieldSums, tables, tile, weightBlockRows)
                destination.drainBlock(tile, accumulatorStride: weightBlockRows, rows: rows, firstRow: firstRow,
                                       firstColumn: firstColumn, count: columns, path: .neon)
            }
        }
    }

    /// c of a 2-bit format, whose codes are its stored fields minus c.
    private static func fieldOffset(_ format: QuantFormat) -> UInt32 {
        UInt32(bitPattern: 0 &- format.code(ofField: 0))
    }
}
#endif
