import COpenBLAS

/// FP32 matrix products on OpenBLAS `cblas_sgemm`, row-major: `C = alpha·op(A)·op(B) + beta·C`
/// with `op(A)` `[m, k]`, `op(B)` `[k, n]`.
enum BLAS {
    /// Sets the trainer's threads (the training `--threads`): OpenBLAS itself runs one thread
    /// per call and large products are split by rows of C across `Parallel` (no BLAS worker
    /// then spins on the second core while elementwise work runs).
    static func setThreads(_ n: Int) {
        openblas_set_num_threads(1)
        Parallel.threads = max(1, n)
    }

    /// One GEMM over raw pointers with leading dimensions `lda`, `ldb`, `ldc`, split by rows of
    /// C when it is large enough to pay for the threads.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m * n * k >= 1 << 18, m >= 2 * Parallel.threads else {
            return serialGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb,
                              beta: beta, c, ldc: ldc)
        }
        let (pa, pc) = (SharedPointer(base: UnsafeMutablePointer(mutating: a)), SharedPointer(base: c))
        Parallel.chunks(m, grain: 8) { rows in
            // Row r of op(A) starts at a + r·lda, or at column r of a transposed A.
            let start = pa.base + (transposeA ? rows.lowerBound : rows.lowerBound * lda)
            serialGemm(transposeA: transposeA, transposeB: transposeB, m: rows.count, n: n, k: k, alpha: alpha, start, lda: lda,
                       b, ldb: ldb, beta: beta, pc.base + rows.lowerBound * ldc, ldc: ldc)
        }
    }

    /// One GEMM on the calling thread.
    @inline(__always)
    static func serialGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
