/// Packing of FP32 matrices into the 16-column panels `floatPanelGemm` multiplies by.

/// Floats `packFloatPanels` writes for a matrix of `rows` × `columns`: ⌈rows / 16⌉ panels of
/// `columns` × 16.
public func floatPanelCount(rows: Int, columns: Int) -> Int { (rows + 15) / 16 * 16 * columns }

/// Packs the `rows`×`columns` matrix `source` (rows `sourceStride` apart; e.g. linear weights
/// out × in) as the panels of its transpose: panel p, row c, lane j holds `source[16p + j][c]`,
/// zero for 16p + j ≥ rows. Writes `floatPanelCount(rows:columns:)` floats to `destination`,
/// which `FloatPanels(packed: destination, depth: columns)` then describes.
public func packFloatPanels(_ source: UnsafePointer<Float>, sourceStride: Int, rows: Int, columns: Int,
                            into destination: UnsafeMutablePointer<Float>) {
    for panel in 0..<(rows + 15) / 16 {
        let out = destination + panel * 16 * columns
        let lanes = min(16, rows - 16 * panel)
        for column in 0..<columns {
            for lane in 0..<16 {
                out[column * 16 + lane] = lane < lanes ? source[(16 * panel + lane) * sourceStride + column] : 0
            }
        }
    }
}
