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
public enum FloatPanelTiling {
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
        var panel = 0
        while panel < panels {
            let count = min(tiling.panels, panels - panel)
            var row = 0
            while row < m {
                let rows = min(tiling.rows, m - row)
                let emit = { (r: Int, q: Int, sums: SIMD16<Float>) in
                    let column = 16 * (panel + q), lanes = min(16, n - column)
                    var rowParameters = p
                    rowParameters.residual = p.residual.map { $0 + (row + r) * residualStride }
                    let v = finish(rowParameters, sums, column: column, count: lanes)
                    let destination = output + (row + r) * outputStride + column
                    if lanes == 16 { storeSixteen(v, to: destination) } else { storeSixteen(v, to: destination, count: lanes) }
                }
                let tileA = a + row * lda, tileB = b.dropping(panels: panel)
                switch tiling {
                case .eightByTwo: floatPanelTile8x2(tileA, lda, rows, tileB, count, k, emit)
                case .fourByOne: floatPanelTile4x1(tileA, lda, rows, tileB, k, fused: true, emit)
                case .fourByOneUnfused: floatPanelTile4x1(tileA, lda, rows, tileB, k, fused: false, emit)
                }
                row += tiling.rows
            }
            panel += tiling.panels
        }
    }
}

extension Lanes16 {
    /// Sums of up to 8 rows × up to 2 panels over `k` terms; rows past `rows` repeat the last row
    /// and a missing second panel repeats the first (computed, not emitted). Calls
    /// `emit(row, panel, sums)` for every real row and panel.
    @_alwaysEmitIntoClient @inline(__always)
    public static func floatPanelTile8x2(
        _ a: UnsafePointer<Float>, _ lda: Int, _ rows: Int, _ b: FloatPanels, _ panels: Int, _ k: Int,
        _ emit: (Int, Int, SIMD16<Float>) -> Void
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
        @inline(__always) func emitRow(_ r: Int, _ first: V, _ second: V) {
            guard r < rows else { return }
            emit(r, 0, first)
            if panels > 1 { emit(r, 1, second) }
        }
        emitRow(0, c00, c01); emitRow(1, c10, c11); emitRow(2, c20, c21); emitRow(3, c30, c31)
        emitRow(4, c40, c41); emitRow(5, c50, c51); emitRow(6, c60, c61); emitRow(7, c70, c71)
    }
}

extension Lanes16 {
    /// Sums of up to 4 rows × 1 panel over `k` terms; rows past `rows` repeat the last row
    /// (computed, not emitted). `fused` picks fused multiply-adds over multiply then add.
    @_alwaysEmitIntoClient @inline(__always)
    public static func floatPanelTile4x1(
        _ a: UnsafePointer<Float>, _ lda: Int, _ rows: Int, _ b: FloatPanels, _ k: Int, fused: Bool,
        _ emit: (Int, Int, SIMD16<Float>) -> Void
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
        emit(0, 0, c0)
        if rows > 1 { emit(1, 0, c1) }
        if rows > 2 { emit(2, 0, c2) }
        if rows > 3 { emit(3, 0, c3) }
    }
}
