/* Multi-bit GEMM kernel on AVX-512 VNNI: a tile of MR prepared activation rows × `groups` zmm
   of 16 panel columns. Each step broadcasts 4 activation bytes per row and issues one zmm
   `vpdpbusd` per (row, group): 64 MACs each, no saturation, no horizontal sums. */
#include "qv_multibit.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define QV_AVX512VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define QV_INLINE static inline __attribute__((always_inline))

/* Rows per full tile for each group count: 24 accumulators, leaving room for the panel row. */
enum { MAX_ROWS = 12 };

QV_INLINE int32_t load_dword(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* One tile; MR and G are constants at every call site, so the loops unroll into registers. */
QV_AVX512VNNI QV_INLINE void tile(const int MR, const int G, const uint8_t *a, ptrdiff_t a_stride,
                                  const int8_t *panel, ptrdiff_t steps, const int32_t *row_corrections,
                                  const int32_t *column_corrections, int32_t *out, ptrdiff_t out_stride) {
    __m512i acc[MAX_ROWS][4];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < G; j++) acc[i][j] = _mm512_setzero_si512();
    const ptrdiff_t step_bytes = (ptrdiff_t)G * 64;
    for (ptrdiff_t s = 0; s < steps; s++) {
        const int8_t *p = panel + s * step_bytes;
        __m512i w[4];
        for (int j = 0; j < G; j++) w[j] = _mm512_load_si512((const void *)(p + 64 * j));
        for (int i = 0; i < MR; i++) {
            __m512i x = _mm512_set1_epi32(load_dword(a + i * a_stride + 4 * s));
            for (int j = 0; j < G; j++) acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], x, w[j]);
        }
    }
    __m512i columns[4];
    for (int j = 0; j < G; j++) columns[j] = _mm512_loadu_si512((const void *)(column_corrections + 16 * j));
    for (int i = 0; i < MR; i++) {
        __m512i row = _mm512_set1_epi32(row_corrections[i]);
        for (int j = 0; j < G; j++) {
            __m512i sum = _mm512_add_epi32(_mm512_add_epi32(acc[i][j], row), columns[j]);
            _mm512_storeu_si512((void *)(out + i * out_stride + 16 * j), sum);
        }
    }
}

/* All rows for G groups: full tiles of MR rows, then tiles of 4, 2 and 1. */
#define ROWS(MR, G)                                                                                  \
    do {                                                                                             \
        ptrdiff_t m = 0;                                                                             \
        for (; m + (MR) <= rows; m += (MR))                                                          \
            tile((MR), (G), a + m * a_stride, a_stride, panel, steps, row_corrections + m,          \
                 column_corrections, out + m * out_stride, out_stride);                              \
        for (; m + 4 <= rows; m += 4)                                                                \
            tile(4, (G), a + m * a_stride, a_stride, panel, steps, row_corrections + m,             \
                 column_corrections, out + m * out_stride, out_stride);                              \
        for (; m + 2 <= rows; m += 2)                                                                \
            tile(2, (G), a + m * a_stride, a_stride, panel, steps, row_corrections + m,             \
                 column_corrections, out + m * out_stride, out_stride);                              \
        if (m < rows)                                                                                \
            tile(1, (G), a + m * a_stride, a_stride, panel, steps, row_corrections + m,             \
                 column_corrections, out + m * out_stride, out_stride);                              \
    } while (0)

QV_AVX512VNNI void qv_mb_kernel_avx512vnni(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t rows,
                                           const int8_t *panel, ptrdiff_t groups, ptrdiff_t steps,
                                           const int32_t *row_corrections, const int32_t *column_corrections,
                                           int32_t *out, ptrdiff_t out_stride) {
    switch (groups) {
    case 4: ROWS(6, 4); break;
    case 3: ROWS(8, 3); break;
    case 2: ROWS(12, 2); break;
    case 1: ROWS(12, 1); break;
    default: break;
    }
}
#endif
