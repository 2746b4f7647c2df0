/* Multi-bit GEMM kernel on AVX2 + AVX-VNNI: a tile of 6 prepared activation rows × 16 panel
   columns (two ymm) per column group, one ymm `vpdpbusd` (32 MACs) per (row, half) and step. */
#include "qv_multibit.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define QV_AVXVNNI __attribute__((target("avx2,avxvnni")))
#define QV_INLINE static inline __attribute__((always_inline))

enum { MAX_ROWS = 6 };

QV_INLINE int32_t load_dword(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* One tile of MR rows × the 16 columns of group g; MR is a constant at every call site. */
QV_AVXVNNI QV_INLINE void tile(const int MR, const uint8_t *a, ptrdiff_t a_stride, const int8_t *panel,
                               ptrdiff_t step_bytes, ptrdiff_t steps, const int32_t *row_corrections,
                               const int32_t *column_corrections, int32_t *out, ptrdiff_t out_stride) {
    __m256i acc[MAX_ROWS][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
    for (ptrdiff_t s = 0; s < steps; s++) {
        const int8_t *p = panel + s * step_bytes;
        __m256i w0 = _mm256_load_si256((const __m256i *)p), w1 = _mm256_load_si256((const __m256i *)(p + 32));
        for (int i = 0; i < MR; i++) {
            __m256i x = _mm256_set1_epi32(load_dword(a + i * a_stride + 4 * s));
            acc[i][0] = _mm256_dpbusd_avx_epi32(acc[i][0], x, w0);
            acc[i][1] = _mm256_dpbusd_avx_epi32(acc[i][1], x, w1);
        }
    }
    __m256i c0 = _mm256_loadu_si256((const __m256i *)column_corrections);
    __m256i c1 = _mm256_loadu_si256((const __m256i *)(column_corrections + 8));
    for (int i = 0; i < MR; i++) {
        __m256i row = _mm256_set1_epi32(row_corrections[i]);
        _mm256_storeu_si256((__m256i *)(out + i * out_stride), _mm256_add_epi32(_mm256_add_epi32(acc[i][0], row), c0));
        _mm256_storeu_si256((__m256i *)(out + i * out_stride + 8), _mm256_add_epi32(_mm256_add_epi32(acc[i][1], row), c1));
    }
}

QV_AVXVNNI void qv_mb_kernel_avxvnni(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t rows,
                                     const int8_t *panel, ptrdiff_t groups, ptrdiff_t steps,
                                     const int32_t *row_corrections, const int32_t *column_corrections,
                                     int32_t *out, ptrdiff_t out_stride) {
    for (ptrdiff_t g = 0; g < groups; g++) {
        const int8_t *p = panel + g * 64;
        const int32_t *columns = column_corrections + g * 16;
        int32_t *o = out + g * 16;
        ptrdiff_t m = 0;
        for (; m + MAX_ROWS <= rows; m += MAX_ROWS)
            tile(MAX_ROWS, a + m * a_stride, a_stride, p, groups * 64, steps, row_corrections + m, columns,
                 o + m * out_stride, out_stride);
        for (; m + 2 <= rows; m += 2)
            tile(2, a + m * a_stride, a_stride, p, groups * 64, steps, row_corrections + m, columns,
                 o + m * out_stride, out_stride);
        if (m < rows)
            tile(1, a + m * a_stride, a_stride, p, groups * 64, steps, row_corrections + m, columns,
                 o + m * out_stride, out_stride);
    }
}
#endif
