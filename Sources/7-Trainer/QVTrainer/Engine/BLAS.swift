import COpenBLAS

/// FP32 matrix products on OpenBLAS `cblas_sgemm`, row-major: `C = alpha·op(A)·op(B) + beta·C`
/// with `op(A)` `[m, k]`, `op(B)` `[k, n]`.
enum BLAS {
    /// Sets the threads OpenBLAS uses (the training `--threads`).
    static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(1, n))) }

    /// One GEMM over raw pointers with leading dimensions `lda`, `ldb`, `ldc`.
    @inline(__always)
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
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
