/* Multi-bit GEMM kernels on AVX2 without VNNI: `vpdpbusd` emulated exactly by `vpmaddubsw`
   (unsigned × signed byte pairs → int16, saturating) and `vpmaddwd` (int16 pairs → int32).
   Pairs cannot saturate when an operand is 2-bit; for 8-bit × 8-bit the unsigned bytes are
   split into nibbles first (|pair| ≤ 2 · 15 · 128) and the high half is weighted by 16 in int32.
   Tiles are 4 prepared activation rows × 16 panel columns (two ymm). */
#include "qv_multibit.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define QV_AVX2 __attribute__((target("avx2")))
#define QV_INLINE static inline __attribute__((always_inline))

enum { MAX_ROWS = 4 };

QV_INLINE int32_t load_dword(const uint8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* acc + Σ of each dword's four byte products x·w; `nibbles` selects the split. */
QV_AVX2 QV_INLINE __m256i multiply_add(const int nibbles, __m256i acc, __m256i x, __m256i w) {
    const __m256i ones = _mm256_set1_epi16(1);
    if (!nibbles) return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(x, w), ones));
    const __m256i low_nibbles = _mm256_set1_epi8(0x0F), sixteen = _mm256_set1_epi16(16);
    __m256i low = _mm256_and_si256(x, low_nibbles);
    __m256i high = _mm256_and_si256(_mm256_srli_epi16(x, 4), low_nibbles);
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(low, w), ones));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(high, w), sixteen));
}

/* One tile of MR rows × the 16 columns of a group; MR and NIBBLES are constants at every call. */
QV_AVX2 QV_INLINE void tile(const int MR, const int NIBBLES, const uint8_t *a, ptrdiff_t a_stride,
                            const int8_t *panel, ptrdiff_t step_bytes, ptrdiff_t steps,
                            const int32_t *row_corrections, const int32_t *column_corrections,
                            int32_t *out, ptrdiff_t out_stride) {
    __m256i acc[MAX_ROWS][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
    for (ptrdiff_t s = 0; s < steps; s++) {
        const int8_t *p = panel + s * step_bytes;
        __m256i w0 = _mm256_load_si256((const __m256i *)p), w1 = _mm256_load_si256((const __m256i *)(p + 32));
        for (int i = 0; i < MR; i++) {
            __m256i x = _mm256_set1_epi32(load_dword(a + i * a_stride + 4 * s));
            acc[i][0] = multiply_add(NIBBLES, acc[i][0], x, w0);
            acc[i][1] = multiply_add(NIBBLES, acc[i][1], x, w1);
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

#define KERNEL(NAME, NIBBLES)                                                                        \
    QV_AVX2 void NAME(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t rows, const int8_t *panel,       \
                      ptrdiff_t groups, ptrdiff_t steps, const int32_t *row_corrections,               \
                      const int32_t *column_corrections, int32_t *out, ptrdiff_t out_stride) {         \
        for (ptrdiff_t g = 0; g < groups; g++) {                                                       \
            const int8_t *p = panel + g * 64;                                                          \
            const int32_t *columns = column_corrections + g * 16;                                      \
            int32_t *o = out + g * 16;                                                                 \
            ptrdiff_t m = 0;                                                                           \
            for (; m + MAX_ROWS <= rows; m += MAX_ROWS)                                                \
                tile(MAX_ROWS, NIBBLES, a + m * a_stride, a_stride, p, groups * 64, steps,             \
                     row_corrections + m, columns, o + m * out_stride, out_stride);                    \
            for (; m < rows; m++)                                                                      \
                tile(1, NIBBLES, a + m * a_stride, a_stride, p, groups * 64, steps,                    \
                     row_corrections + m, columns, o + m * out_stride, out_stride);                    \
        }                                                                                              \
    }

KERNEL(qv_mb_kernel_avx2, 0)
KERNEL(qv_mb_kernel_avx2_nibbles, 1)
#endif
