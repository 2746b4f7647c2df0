/// Linear layers and matrix products on OpenBLAS.
extension Tape {
    /// `y = x·Wᵀ + b` over the last dimension: `x` `[…, in]`, `weight` `[out, in]` (PyTorch's
    /// layout), `bias` `[out]` or nil. Backward: `dx = dy·W`, `dW = dyᵀ·x`, `db = Σ_rows dy`.
    public func linear(_ x: Variable, weight w: Variable, bias b: Variable?) -> Variable {
        let inF = x.shape.last!, outF = w.shape[0]
        precondition(w.shape == [outF, inF] && (b == nil || b!.shape == [outF]), "linear: x \(x.shape), W \(w.shape)")
        let rows = x.count / inF
        var y = [Float](repeating: 0, count: rows * outF)
        if let b {
            y.withUnsafeMutableBufferPointer { out in
                b.value.withUnsafeBufferPointer { bias in
                    for r in 0..<rows { (out.baseAddress! + r * outF).update(from: bias.baseAddress!, count: outF) }
                }
            }
        }
        x.value.withUnsafeBufferPointer { xs in
            w.value.withUnsafeBufferPointer { ws in
                y.withUnsafeMutableBufferPointer { ys in
                    BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: outF, k: inF, xs.baseAddress!, lda: inF,
                              ws.baseAddress!, ldb: inF, beta: b == nil ? 0 : 1, ys.baseAddress!, ldc: outF)
                }
            }
        }
        let result = output(Array(x.shape.dropLast()) + [outF], y, from: x, w, b)
        record(result) { dy in
            dy.withUnsafeBufferPointer { g in
                if x.requiresGradient {
                    w.value.withUnsafeBufferPointer { ws in
                        x.accumulate { dx in
                            BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: inF, k: outF, g.baseAddress!, lda: outF,
                                      ws.baseAddress!, ldb: inF, beta: 1, dx.baseAddress!, ldc: inF)
                        }
                    }
                }
                if w.requiresGradient {
                    x.value.withUnsafeBufferPointer { xs in
                        w.accumulate { dw in
                            BLAS.gemm(transposeA: true, transposeB: false, m: outF, n: inF, k: rows, g.baseAddress!, lda: outF,
                                      xs.baseAddress!, ldb: inF, beta: 1, dw.baseAddress!, ldc: inF)
                        }
                    }
                }
                if let b, b.requiresGradient {
                    b.accumulate(Self.columnSums(g, rows: rows, columns: outF))
                }
            }
        }
        return result
    }

    /// Batched products over the leading dimension: `a` `[g, m, k]`, `b` `[g, k, n]` (or
    /// `[g, n, k]` when `transposeB`), result `[g, m, n]` scaled by `alpha`.
    public func batchedMatmul(_ a: Variable, _ b: Variable, transposeB: Bool = false, alpha: Float = 1) -> Variable {
        precondition(a.shape.count == 3 && b.shape.count == 3 && a.shape[0] == b.shape[0], "batchedMatmul: \(a.shape) × \(b.shape)")
        let g = a.shape[0], m = a.shape[1], k = a.shape[2]
        let n = transposeB ? b.shape[1] : b.shape[2]
        precondition((transposeB ? b.shape[2] : b.shape[1]) == k, "batchedMatmul: \(a.shape) × \(b.shape)")
        var y = [Float](repeating: 0, count: g * m * n)
        a.value.withUnsafeBufferPointer { av in
            b.value.withUnsafeBufferPointer { bv in
                y.withUnsafeMutableBufferPointer { yv in
                    let out = SharedPointer(base: yv.baseAddress!)
                    Parallel.chunks(g) { groups in
                        for i in groups {
                            BLAS.serialGemm(transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, av.baseAddress! + i * m * k,
                                            lda: k, bv.baseAddress! + i * k * n, ldb: transposeB ? k : n, beta: 0, out.base + i * m * n, ldc: n)
                        }
                    }
                }
            }
        }
        let result = output([g, m, n], y, from: a, b)
        record(result) { dy in
            dy.withUnsafeBufferPointer { gv in
                if a.requiresGradient {
                    // da = alpha · dy · op(B)ᵀ
                    b.value.withUnsafeBufferPointer { bv in
                        a.accumulate { da in
                            let out = SharedPointer(base: da.baseAddress!)
                            Parallel.chunks(g) { groups in
                                for i in groups {
                                    BLAS.serialGemm(transposeA: false, transposeB: !transposeB, m: m, n: k, k: n, alpha: alpha,
                                                    gv.baseAddress! + i * m * n, lda: n, bv.baseAddress! + i * k * n, ldb: transposeB ? k : n,
                                                    beta: 1, out.base + i * m * k, ldc: k)
                                }
                            }
                        }
                    }
                }
                if b.requiresGradient {
                    a.value.withUnsafeBufferPointer { av in
                        b.accumulate { dbAll in
                            let out = SharedPointer(base: dbAll.baseAddress!)
                            Parallel.chunks(g) { groups in for i in groups {
                                let db = out.base
                                if transposeB {
                                    // d(Bᵀ) = alpha · Aᵀ·dy → dB [n, k] = alpha · dyᵀ·A
                                    BLAS.serialGemm(transposeA: true, transposeB: false, m: n, n: k, k: m, alpha: alpha,
                                                    gv.baseAddress! + i * m * n, lda: n, av.baseAddress! + i * m * k, ldb: k,
                                                    beta: 1, db + i * k * n, ldc: k)
                                } else {
                                    BLAS.serialGemm(transposeA: true, transposeB: false, m: k, n: n, k: m, alpha: alpha,
                                                    av.baseAddress! + i * m * k, lda: k, gv.baseAddress! + i * m * n, ldb: n,
                                                    beta: 1, db + i * k * n, ldc: n)
                                }
                            } }
                        }
                    }
                }
            }
        }
        return result
    }
}
