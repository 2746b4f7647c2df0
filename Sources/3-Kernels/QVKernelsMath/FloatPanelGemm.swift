/// FP32 GEMM over a K×N right-hand side stored as 16-column panels:
/// out[i·ldo + j] = epilogue(Σ_k a[i·lda + k] · B[k][j]), each sum taken in k order with one
/// fused multiply-add per term (or, on `.portable`, a multiply then an add). Register-blocked outer
/// products: a tile's accumulators stay in registers while every k broadcasts one activation per
/// row against one 16-lane panel row per panel; the epilogue runs on the tile while it is hot.

/// A K×N FP32 matrix stored as 16-column panels: element (k, j) is at
/// `base[(j / 16) · panelStride + k · rowStride + j % 16]`. All 16 lanes of each of the K rows of
/// every panel must be readable (lanes past N are computed on but never stored).
public struct FloatPanels {
    /// Panel 0, row 0, lane 0.
    public var base: UnsafePointer<Float>
    /// Floats from one row (k) of a panel to the next.
    public var rowStride: Int
    /// Floats from one panel to the next.
    public var panelStride: Int

    /// Panels at `base` with the given strides.
    @inlinable
    public init(base: UnsafePointer<Float>, rowStride: Int, panelStride: Int) {
        self.base = base
        self.rowStride = rowStride
        self.panelStride = panelStride
    }

    /// Packed weight panels of a linear layer: panel p holds K rows of 16 contiguous floats,
    /// `W[16p + lane][k]`, panels one after another (`rowStride` 16, `panelStride` 16·K).
    @inlinable
    public init(packed base: UnsafePointer<Float>, depth: Int) {
        self.init(base: base, rowStride: 16, panelStride: 16 * depth)
    }

    /// The panels from panel `index` on.
    @inlinable
    public func dropping(panels index: Int) -> FloatPanels {
        FloatPanels(base: base + index * panelStride, rowStride: rowStride, panelStride: panelStride)
    }
}

/// How many rows and panels one register tile covers, and how it multiplies.
public enum FloatPanelTiling: Sendable {
    /// 8 rows × 2 panels (16 × 16-lane accumulators), fused multiply-adds: for 32 vector registers.
    case eightByTwo
    /// 4 rows × 1 panel, fused multiply-adds: for 16 vector registers of 8 lanes.
    case fourByOne
    /// 4 rows × 1 panel, multiply then add (no FMA in the baseline ISA).
    case fourByOneUnfused

    /// Rows per tile.
    @inlinable
    public var rows: Int { self == .eightByTwo ? 8 : 4 }
    /// Panels per tile.
    @inlinable
    public var panels: Int { self == .eightByTwo ? 2 : 1 }
}

extension Lanes16 {
    /// `m`×`n` outputs of `a` (`m`×`k`, rows `lda` apart) times the panels `b` (K×N), finished by
    /// the epilogue `p` (its pointers address column 0; row r's residual is `residualStride · r`
    /// past `p.residual` and may be the output itself) and stored `outputStride` apart. Panel
    /// pairs are the outer loop, so a pair's panels stay in cache while A streams past them.
    @_alwaysEmitIntoClient @inline(__always)
    public static func floatPanelGemm(
        a: UnsafePointer<Float>, lda: Int, m: Int, b: FloatPanels, n: Int, k: Int,
        _ p: EpilogueRowParameters, residualStride: Int, output: UnsafeMutablePointer<Float>, outputStride: Int,
        tiling: FloatPanelTiling
    ) {
        let panels = (n + 15) / 16
        withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: 16) { tile in
            let sums = tile.baseAddress!
            var panel = 0
            while panel < panels {
                let count = min(tiling.panels, panels - panel)
                var row = 0
                while row < m {
                    let rows = min(tiling.rows, m - row)
                    let tileA = a + row * lda, tileB = b.dropping(panels: panel)
                    switch tiling {
                    case .eightByTwo: floatPanelTile8x2(tileA, lda, rows, tileB, count, k, into: sums)
                    case .fourByOne: floatPanelTile4x1(tileA, lda, rows, tileB, k, fused: true, into: sums)
                    case .fourByOneUnfused: floatPanelTile4x1(tileA, lda, rows, tileB, k, fused: false, into: sums)
                    }
                    for r in 0..<rows {
                        var rowParameters = p
                        rowParameters.residual = p.residual.map { $0 + (row + r) * residualStride }
                        let destination = output + (row + r) * outputStride
                        for q in 0..<count {
                            let column = 16 * (panel + q), lanes = min(16, n - column)
                            let v = finish(rowParameters, sums[r * tiling.panels + q], column: column, count: lanes)
                            if lanes == 16 {
                                storeSixteen(v, to: destination + column)
                            } else {
                                storeSixteen(v, to: destination + column, count: lanes)
                            }
                        }
                    }
                    row += tiling.rows
                }
                panel += tiling.panels
            }
        }
    }
}

extension Lanes16 {
    /// Sums of up to 8 rows × up to 2 panels over `k` terms, written to `sums[2·row + panel]`;
    /// rows past `rows` repeat the last row and a missing second panel repeats the first.
    @_alwaysEmitIntoClient @inline(__always)
    public static func floatPanelTile8x2(
        _ a: UnsafePointer<Float>, _ lda: Int, _ rows: Int, _ b: FloatPanels, _ panels: Int, _ k: Int,
        into sums: UnsafeMutablePointer<SIMD16<Float>>
    ) {
        typealias V = SIMD16<Float>
        @inline(__always) func row(_ r: Int) -> UnsafePointer<Float> { a + min(r, rows - 1) * lda }
        let a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3), a4 = row(4), a5 = row(5), a6 = row(6), a7 = row(7)
        var b0 = b.base, b1 = b.base + (panels > 1 ? b.panelStride : 0)
        let step = b.rowStride
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
        var c40 = V(), c41 = V(), c50 = V(), c51 = V(), c60 = V(), c61 = V(), c70 = V(), c71 = V()
        for kk in 0..<k {
            let y0 = loadSixteen(b0), y1 = loadSixteen(b1)
            var x = V(repeating: a0[kk]); c00.addProduct(x, y0); c01.addProduct(x, y1)
            x = V(repeating: a1[kk]); c10.addProduct(x, y0); c11.addProduct(x, y1)
            x = V(repeating: a2[kk]); c20.addProduct(x, y0); c21.addProduct(x, y1)
            x = V(repeating: a3[kk]); c30.addProduct(x, y0); c31.addProduct(x, y1)
            x = V(repeating: a4[kk]); c40.addProduct(x, y0); c41.addProduct(x, y1)
            x = V(repeating: a5[kk]); c50.addProduct(x, y0); c51.addProduct(x, y1)
            x = V(repeating: a6[kk]); c60.addProduct(x, y0); c61.addProduct(x, y1)
            x = V(repeating: a7[kk]); c70.addProduct(x, y0); c71.addProduct(x, y1)
            b0 += step; b1 += step
        }
        sums[0] = c00; sums[1] = c01; sums[2] = c10; sums[3] = c11; sums[4] = c20; sums[5] = c21; sums[6] = c30; sums[7] = c31
        sums[8] = c40; sums[9] = c41; sums[10] = c50; sums[11] = c51; sums[12] = c60; sums[13] = c61; sums[14] = c70; sums[15] = c71
    }
}

extension Lanes16 {
    /// Sums of up to 4 rows × 1 panel over `k` terms, written to `sums[row]`; rows past `rows`
    /// repeat the last row. `fused` picks fused multiply-adds over multiply then add.
    @_alwaysEmitIntoClient @inline(__always)
    public static func floatPanelTile4x1(
        _ a: UnsafePointer<Float>, _ lda: Int, _ rows: Int, _ b: FloatPanels, _ k: Int, fused: Bool,
        into sums: UnsafeMutablePointer<SIMD16<Float>>
    ) {
        typealias V = SIMD16<Float>
        @inline(__always) func row(_ r: Int) -> UnsafePointer<Float> { a + min(r, rows - 1) * lda }
        let a0 = row(0), a1 = row(1), a2 = row(2), a3 = row(3)
        var b0 = b.base
        let step = b.rowStride
        var c0 = V(), c1 = V(), c2 = V(), c3 = V()
        for kk in 0..<k {
            let y = loadSixteen(b0)
            if fused {
                c0.addProduct(V(repeating: a0[kk]), y); c1.addProduct(V(repeating: a1[kk]), y)
                c2.addProduct(V(repeating: a2[kk]), y); c3.addProduct(V(repeating: a3[kk]), y)
            } else {
                c0 += a0[kk] * y; c1 += a1[kk] * y; c2 += a2[kk] * y; c3 += a3[kk] * y
            }
            b0 += step
        }
        sums[0] = c0; sums[1] = c1; sums[2] = c2; sums[3] = c3
    }
}
