import QVKernels

/// The codes of a codes value as rows × features in logical order, whatever its arrangement.
func unpackCodes(_ layout: ValueLayout, at base: UnsafeMutableRawPointer, tokens: Int) -> [Int32] {
    guard case .codes(let features, _, let arrangement) = layout.elements else { return [] }
    let rows = layout.rows.rows(tokens: tokens)
    var out = [Int32](repeating: 0, count: rows * features)
    switch arrangement {
    case .rowMajor:
        let m = layout.packedMatrix(at: base, tokens: tokens, head: 0).readOnly
        for r in 0..<rows { for f in 0..<features { out[r * features + f] = m.code(row: r, column: f) } }
    case .headMajor(let heads):
        let d = features / heads
        for h in 0..<heads {
            let m = layout.packedMatrix(at: base, tokens: tokens, head: h).readOnly
            for r in 0..<rows { for j in 0..<d { out[r * features + h * d + j] = m.code(row: r, column: j) } }
        }
    case .headMajorTransposed(let heads, let groupRows):
        let d = features / heads, g = groupRows > 0 ? groupRows : rows
        for group in 0..<(g > 0 ? rows / g : 0) {
            for h in 0..<heads {
                let m = layout.packedMatrix(at: base, tokens: tokens, head: h, group: group).readOnly
                for j in 0..<d {
                    for r in 0..<g { out[(group * g + r) * features + h * d + j] = m.code(row: j, column: r) }
                }
            }
        }
    }
    return out
}
