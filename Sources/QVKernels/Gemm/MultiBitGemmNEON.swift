/// The `.neon` path of the 2-/8-bit integer GEMM on ARM64: codes are widened once into byte rows
/// (activations whole, weights a block of rows at a time) and multiplied by the C target's NEON
/// `sdot`/`udot` tiles. Unsigned × unsigned codes use `udot`; every other pair uses `sdot`, with
/// u8 codes centred to u − 128 and the difference added back (Σ u·s = Σ (u − 128)·s + 128·Σ s).
/// Everything wraps mod 2^32 like the scalar reference, so accumulators are bit-identical to it.
#if arch(arm64)
import CQVKernelsARM
#endif

/// Multiplies with NEON dot products where the CPU has them (ARM64 with DotProd), else with the
/// portable implementation.
func multiBitGemmNEON(_ a: PackedMatrix, _ w: PackedMatrix, into destination: GemmDestination) {
    #if arch(arm64)
    if KernelPath.neon.isSupported {
        multiBitGemmDot(a, w, into: destination)
        return
    }
    #endif
    multiBitGemmPortable(a, w, into: destination)
}

#if arch(arm64)
/// Weight rows widened and multiplied per block (a multiple of the C tile's 4 columns).
private let weightBlockRows = 64
/// Activation rows per kernel call before the epilogue drains the accumulators (24 KB of Int32).
private let tileRows = 96

/// The multi-bit GEMM with `sdot`/`udot`; the CPU must have DotProd.
private func multiBitGemmDot(_ a: PackedMatrix, _ w: PackedMatrix, into destination: GemmDestination) {
    let unsignedDot = a.format.scheme == .unsignedOffset && w.format.scheme == .unsignedOffset
    let blocks = (a.columns + 15) / 16
    let activations = DotBytes(rows: a.rows, blocks: blocks)
    let weights = DotBytes(rows: min(weightBlockRows, w.rows), blocks: blocks)
    let tile = UnsafeMutablePointer<Int32>.allocate(capacity: min(tileRows, a.rows) * weightBlockRows)
    defer { activations.deallocate(); weights.deallocate(); tile.deallocate() }
    activations.fill(from: a, firstRow: 0, rows: a.rows, unsignedDot: unsignedDot)
    // Σ a·w from the centred operand's dot product: 128 × the other operand's code sums.
    let activationsCentred = DotBytes.isCentred(a.format, unsignedDot: unsignedDot)
    let weightsCentred = DotBytes.isCentred(w.format, unsignedDot: unsignedDot)

    for firstColumn in stride(from: 0, to: w.rows, by: weightBlockRows) {
        let columns = min(weightBlockRows, w.rows - firstColumn)
        weights.fill(from: w, firstRow: firstColumn, rows: columns, unsignedDot: unsignedDot)
        for firstRow in stride(from: 0, to: a.rows, by: tileRows) {
            let rows = min(tileRows, a.rows - firstRow)
            let aRows = activations.row(firstRow)
            if unsignedDot {
                qv_neon_dot_u8(aRows, activations.stride, rows, weights.row(0), weights.stride, columns, blocks,
                               tile, weightBlockRows)
            } else {
                qv_neon_dot_s8(UnsafeRawPointer(aRows).assumingMemoryBound(to: Int8.self), activations.stride, rows,
                               UnsafeRawPointer(weights.row(0)).assumingMemoryBound(to: Int8.self), weights.stride,
                               columns, blocks, tile, weightBlockRows)
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
/// code sum (wrapping) for the centring correction.
private struct DotBytes {
    let storage: UnsafeMutablePointer<UInt8>
    let codeSums: UnsafeMutablePointer<Int32>
    /// Bytes from one row to the next.
    let stride: Int

    init(rows: Int, blocks: Int) {
        stride = blocks * 16
        storage = .allocate(capacity: max(1, rows * stride))
        codeSums = .allocate(capacity: max(1, rows))
    }

    func row(_ index: Int) -> UnsafeMutablePointer<UInt8> { storage + index * stride }

    /// Whether codes of `format` are stored as code − 128: u8 codes in a signed (`sdot`) product.
    static func isCentred(_ format: QuantFormat, unsignedDot: Bool) -> Bool {
        !unsignedDot && format.bits == 8 && format.scheme == .unsignedOffset
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

    func deallocate() { storage.deallocate(); codeSums.deallocate() }
}
#endif
