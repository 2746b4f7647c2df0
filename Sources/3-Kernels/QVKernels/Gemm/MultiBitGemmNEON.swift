/// The `.neon` path of the 2-/8-bit integer GEMM on ARM64: codes are widened once into byte rows
/// (activations whole, once per product; weights a block of rows at a time per call) and
/// multiplied by the C target's DotProd tiles (`NeonDotGemm`): unsigned × unsigned codes use `udot`
/// and every other pair `sdot`, with u8 codes centred to u − 128 and the difference added back
/// (Σ u·s = Σ (u − 128)·s + 128·Σ s). Without DotProd, 2-bit pairs run the table-lookup kernel
/// (`NeonLookupGemm`) and 8-bit pairs the portable one. Everything wraps mod 2^32 like the scalar
/// reference, so accumulators are bit-identical to it.
#if arch(arm64)
import CQVKernelsARM
import QVQuant

/// Where the `sdot`/`udot` tiles run and which of the two a product uses.
enum NeonDotGemm {
    /// Whether this CPU has DotProd, so that every 2-/8-bit pair runs the dot tiles (without it,
    /// 2-bit pairs run the lookup kernel and 8-bit ones the portable kernel).
    static var isUsed: Bool { qv_arm_features() & UInt32(QV_ARM_DOTPROD) != 0 }

    /// Whether a product of `a` by `w` codes runs on `udot` (both unsigned) rather than `sdot`
    /// (2-bit codes are the same bytes either way).
    static func unsignedDot(_ a: QuantFormat, _ w: QuantFormat) -> Bool {
        a.scheme == .unsignedOffset && w.scheme == .unsignedOffset
    }
}

/// Weight rows widened and multiplied per block (a multiple of the C tile's 4 columns).
private let weightBlockRows = 64
/// Activation rows per kernel call before the epilogue drains the accumulators (24 KB of Int32).
private let tileRows = 96

/// The prepared activations of `shape`: every row widened, then the row code sums.
func neonPreparedParts(_ shape: GemmShape) -> ScratchParts {
    DotBytes.parts(rows: shape.rows, blocks: (shape.depth + 15) / 16)
}

/// The activations of `shape` laid out at `scratch` (`neonPreparedParts` bytes).
func neonActivations(_ shape: GemmShape, at scratch: UnsafeMutableRawPointer) -> DotBytes {
    DotBytes(rows: shape.rows, blocks: (shape.depth + 15) / 16, at: scratch)
}

/// The scratch of one multiply call: one block of widened weight rows, then the tile.
func neonMultiplyParts(_ shape: GemmShape) -> ScratchParts {
    let weights = DotBytes.parts(rows: min(weightBlockRows, shape.columns), blocks: (shape.depth + 15) / 16)
    return ScratchParts(weights.total, min(tileRows, shape.rows) * weightBlockRows * 4)
}

/// The multi-bit GEMM on the dot tiles of `a` (widened into `activations` for `w`'s format) by
/// `w`, in `scratch` (`neonMultiplyParts` bytes); needs `NeonDotGemm.isUsed`.
func multiBitGemmNEON(_ activations: DotBytes, _ a: PackedMatrix, _ w: PackedMatrix,
                      scratch: UnsafeMutableRawPointer, into destination: GemmDestination) {
    let unsignedDot = NeonDotGemm.unsignedDot(a.format, w.format)
    let blocks = (a.columns + 15) / 16
    let parts = neonMultiplyParts(GemmShape(rows: a.rows, columns: w.rows, depth: a.columns))
    var carver = ScratchCarver(scratch)
    let weights = DotBytes(rows: min(weightBlockRows, w.rows), blocks: blocks, at: carver.take(parts.first))
    let tile = carver.take(parts.second).bindMemory(to: Int32.self, capacity: min(tileRows, a.rows) * weightBlockRows)
    // Σ a·w from the centred operand's dot product: 128 × the other operand's code sums.
    let activationsCentred = DotBytes.isCentred(a.format, unsignedDot: unsignedDot)
    let weightsCentred = DotBytes.isCentred(w.format, unsignedDot: unsignedDot)

    for firstColumn in stride(from: 0, to: w.rows, by: weightBlockRows) {
        let columns = min(weightBlockRows, w.rows - firstColumn)
        weights.fill(from: w, firstRow: firstColumn, rows: columns, unsignedDot: unsignedDot)
        for firstRow in stride(from: 0, to: a.rows, by: tileRows) {
            let rows = min(tileRows, a.rows - firstRow)
            let aRows = activations.row(firstRow)
            let signedA = UnsafeRawPointer(aRows).assumingMemoryBound(to: Int8.self)
            let signedW = UnsafeRawPointer(weights.row(0)).assumingMemoryBound(to: Int8.self)
            if unsignedDot {
                qv_neon_dot_u8(aRows, activations.stride, rows, weights.row(0), weights.stride, columns, blocks,
                               tile, weightBlockRows)
            } else {
                qv_neon_dot_s8(signedA, activations.stride, rows, signedW, weights.stride, columns, blocks, tile, weightBlockRows)
            }
            if activationsCentred || weightsCentred {
                for row in 0..<rows {
                    for column in 0..<columns {
                        let term = activationsCentred ? weights.codeSums[column] : activations.codeSums[firstRow + row]
                        tile[row * weightBlockRows + column] &+= 128 &* term
                    }
                }
            }
            destination.drainBlock(tile, accumulatorStride: weightBlockRows, rows: rows, firstRow: firstRow,
                                   firstColumn: firstColumn, count: columns, path: .neon)
        }
    }
}

/// Codes widened to one byte each, `blocks` × 16 bytes per row (zero past K), plus each row's
/// code sum (wrapping) for the centring correction. Lives in caller-provided scratch.
struct DotBytes {
    let storage: UnsafeMutablePointer<UInt8>
    let codeSums: UnsafeMutablePointer<Int32>
    /// Bytes from one row to the next.
    let stride: Int

    /// The scratch of `rows` rows: the bytes, then the code sums.
    static func parts(rows: Int, blocks: Int) -> ScratchParts { ScratchParts(rows * blocks * 16, rows * 4) }

    /// `rows` rows at `scratch` (`parts` bytes).
    init(rows: Int, blocks: Int, at scratch: UnsafeMutableRawPointer) {
        stride = blocks * 16
        let parts = Self.parts(rows: rows, blocks: blocks)
        var carver = ScratchCarver(scratch)
        storage = carver.take(parts.first).bindMemory(to: UInt8.self, capacity: rows * stride)
        codeSums = carver.take(parts.second).bindMemory(to: Int32.self, capacity: rows)
    }

    func row(_ index: Int) -> UnsafeMutablePointer<UInt8> { storage + index * stride }

    /// Whether codes of `format` are stored as code − 128: u8 codes in a signed (`sdot`) product.
    static func isCentred(_ format: QuantFormat, unsignedDot: Bool) -> Bool {
        !unsignedDot && format.fieldBits == 8 && format.scheme == .unsignedOffset
    }

    /// Widens rows `firstRow ..< firstRow + rows` of `matrix` into rows 0 ..< `rows`.
    func fill(from matrix: PackedMatrix, firstRow: Int, rows: Int, unsignedDot: Bool) {
        let centre = DotBytes.isCentred(matrix.format, unsignedDot: unsignedDot)
        for index in 0..<rows {
            let target = row(index)
            target.update(repeating: 0, count: stride)
            var sum: Int32 = 0
            for column in 0..<matrix.columns {
                let code = matrix.code(row: firstRow + index, column: column)
                sum &+= code
                target[column] = UInt8(truncatingIfNeeded: centre ? code &- 128 : code)
            }
            codeSums[index] = sum
        }
    }
}
#endif
