extension Lanes16 {
    /// FP32 GEMM as dot products, for W stored N×K like PyTorch Linear weights (both operands
    /// K-contiguous): out[m·ldo + n] = Σ_k a[m·lda + k] · w[n·ldw + k], raw sums (no epilogue).
    /// 4×4 output tiles keep 16 `SIMD16<Float>` accumulators in registers (fused multiply-adds), K runs in
    /// blocks of 1024 so a tile's rows stay in L1 while A streams; W's 4-row block stays in L1
    /// across all of A. Summation order differs from other paths (tolerance, not bits).
    @_alwaysEmitIntoClient @inline(__always)
    public static func floatDotGemm(
        a: UnsafePointer<Float>, lda: Int, w: UnsafePointer<Float>, ldw: Int, m: Int, n: Int, k: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int
    ) {
        let blockK = 1024
        var k0 = 0
        repeat {
            let kb = min(blockK, k - k0)
            var j = 0
            while j < n {
                var i = 0
                while i < m {
                    floatDotTile(a + i * lda + k0, lda, min(4, m - i), w + j * ldw + k0, ldw, min(4, n - j), kb,
                                 output + i * outputStride + j, outputStride, k0 > 0)
                    i += 4
                }
                j += 4
            }
            k0 += blockK
        } while k0 < k
    }
}

extension Lanes16 {
    /// One tile of up to 4×4 outputs over `k` terms; rows past `mr`/`nr` alias row 0 (computed, not
    /// stored). With `accumulate`, adds to the stored sums (later K blocks).
    @_alwaysEmitIntoClient @inline(__always)
    public static func floatDotTile(
        _ a: UnsafePointer<Float>, _ lda: Int, _ mr: Int, _ w: UnsafePointer<Float>, _ ldw: Int, _ nr: Int, _ k: Int,
        _ out: UnsafeMutablePointer<Float>, _ ldo: Int, _ accumulate: Bool
    ) {
        typealias V = SIMD16<Float>
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        let a0 = a, a1 = a + (mr > 1 ? lda : 0), a2 = a + (mr > 2 ? 2 * lda : 0), a3 = a + (mr > 3 ? 3 * lda : 0)
        let w0 = w, w1 = w + (nr > 1 ? ldw : 0), w2 = w + (nr > 2 ? 2 * ldw : 0), w3 = w + (nr > 3 ? 3 * ldw : 0)
        var c00 = V(), c01 = V(), c02 = V(), c03 = V(), c10 = V(), c11 = V(), c12 = V(), c13 = V()
        var c20 = V(), c21 = V(), c22 = V(), c23 = V(), c30 = V(), c31 = V(), c32 = V(), c33 = V()
        let step = V.scalarCount
        var kk = 0
        while kk + step <= k {
            let x0 = load(a0 + kk), x1 = load(a1 + kk), x2 = load(a2 + kk), x3 = load(a3 + kk)
            let y0 = load(w0 + kk), y1 = load(w1 + kk), y2 = load(w2 + kk), y3 = load(w3 + kk)
            c00.addProduct(x0, y0); c01.addProduct(x0, y1); c02.addProduct(x0, y2); c03.addProduct(x0, y3)
            c10.addProduct(x1, y0); c11.addProduct(x1, y1); c12.addProduct(x1, y2); c13.addProduct(x1, y3)
            c20.addProduct(x2, y0); c21.addProduct(x2, y1); c22.addProduct(x2, y2); c23.addProduct(x2, y3)
            c30.addProduct(x3, y0); c31.addProduct(x3, y1); c32.addProduct(x3, y2); c33.addProduct(x3, y3)
            kk += step
        }
        var r0 = SIMD4(c00.sum(), c01.sum(), c02.sum(), c03.sum()), r1 = SIMD4(c10.sum(), c11.sum(), c12.sum(), c13.sum())
        var r2 = SIMD4(c20.sum(), c21.sum(), c22.sum(), c23.sum()), r3 = SIMD4(c30.sum(), c31.sum(), c32.sum(), c33.sum())
        while kk < k {
            let wk = SIMD4(w0[kk], w1[kk], w2[kk], w3[kk])
            r0 += a0[kk] * wk; r1 += a1[kk] * wk; r2 += a2[kk] * wk; r3 += a3[kk] * wk
            kk += 1
        }
        @inline(__always) func store(_ r: SIMD4<Float>, _ o: UnsafeMutablePointer<Float>) {
            for p in 0..<nr { o[p] = accumulate ? o[p] + r[p] : r[p] }
        }
        store(r0, out)
        if mr > 1 { store(r1, out + ldo) }
        if mr > 2 { store(r2, out + 2 * ldo) }
        if mr > 3 { store(r3, out + 3 * ldo) }
    }
}
