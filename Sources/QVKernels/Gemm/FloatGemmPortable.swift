/// Portable FP32 GEMM: weights are regrouped 8 rows at a time into a K×8 panel, then a 4×8 tile
/// of `SIMD8<Float>` accumulators takes broadcast activations times panel rows (outer products,
/// no horizontal sums). Each output is still summed in k order.

func floatGemmPortable(_ operands: FloatGemmOperands, into destination: GemmDestination) {
    let depth = operands.depth
    let panel = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: max(1, depth))
    defer { panel.deallocate() }
    for column in stride(from: 0, to: operands.columns, by: 8) {
        fillPanel(panel, operands, firstColumn: column)
        for row in stride(from: 0, to: operands.rows, by: 4) {
            let tile = multiplyTile(operands, firstRow: row, panel: panel)
            for i in 0..<min(4, operands.rows - row) {
                destination.store(tile[i].lowHalf, row: row + i, column: column)
                if column + 4 < operands.columns { destination.store(tile[i].highHalf, row: row + i, column: column + 4) }
            }
        }
    }
}

/// panel[k][j] = w[firstColumn + j][k], zero for weight rows past N.
private func fillPanel(_ panel: UnsafeMutablePointer<SIMD8<Float>>, _ operands: FloatGemmOperands, firstColumn: Int) {
    panel.update(repeating: SIMD8(), count: operands.depth)
    for lane in 0..<min(8, operands.columns - firstColumn) {
        let weights = operands.w + (firstColumn + lane) * operands.ldw
        for index in 0..<operands.depth { panel[index][lane] = weights[index] }
    }
}

/// Sums of four activation rows (the last valid row repeated past M) against a panel.
@inline(__always)
private func multiplyTile(
    _ operands: FloatGemmOperands, firstRow: Int, panel: UnsafePointer<SIMD8<Float>>
) -> FloatTile {
    let last = operands.rows - 1
    let a0 = operands.a + firstRow * operands.lda
    let a1 = operands.a + min(firstRow + 1, last) * operands.lda
    let a2 = operands.a + min(firstRow + 2, last) * operands.lda
    let a3 = operands.a + min(firstRow + 3, last) * operands.lda
    var c0 = SIMD8<Float>(), c1 = SIMD8<Float>(), c2 = SIMD8<Float>(), c3 = SIMD8<Float>()
    for index in 0..<operands.depth {
        let weights = panel[index]
        c0 += a0[index] * weights
        c1 += a1[index] * weights
        c2 += a2[index] * weights
        c3 += a3[index] * weights
    }
    return FloatTile(row0: c0, row1: c1, row2: c2, row3: c3)
}

/// A 4×8 tile of FP32 sums.
private struct FloatTile {
    let row0, row1, row2, row3: SIMD8<Float>

    subscript(index: Int) -> SIMD8<Float> {
        switch index {
        case 0: return row0
        case 1: return row1
        case 2: return row2
        default: return row3
        }
    }
}
