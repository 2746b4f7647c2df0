/* Packing 2-/8-bit weight rows into multi-bit GEMM panels with AVX-512: for each 16 columns,
   16 rows × 64 codes are widened (masked loads, never past a row's stored bytes), transposed as
   16 × 16 dwords into 16 steps × 16 columns, and summed per column with `vpdpbusd`. */
#include "multibit_transform.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define QV_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

/* Prepared bytes of codes k = 64·chunk ... 64·chunk + 63 of `row`, zero past K. */
QV_AVX512 static inline __m512i load_chunk(const uint8_t *row, ptrdiff_t columns, ptrdiff_t chunk, qv_mb_transform t) {
    const ptrdiff_t valid = columns - chunk * 64;
    const __mmask64 codes = valid >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << valid) - 1;
    if (t.two_bit) {
        const __mmask16 bytes = valid >= 64 ? (__mmask16)0xFFFF : (__mmask16)((1u << ((valid + 3) / 4)) - 1);
        /* Byte j becomes dword j; its four fields go to bytes 0...3 of that dword: (x | x << 6 |
           x << 12 | x << 18) & 0x03030303, as two ternary-logic ops (A|B|C, then (A|B)&C). */
        __m512i x = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(bytes, row + chunk * 16));
        __m512i spread = _mm512_ternarylogic_epi32(x, _mm512_slli_epi32(x, 6), _mm512_slli_epi32(x, 12), 0xFE);
        spread = _mm512_ternarylogic_epi32(spread, _mm512_slli_epi32(x, 18), _mm512_set1_epi8(3), 0xA8);
        return _mm512_maskz_sub_epi8(codes, spread, _mm512_set1_epi8((char)t.subtract));
    }
    __m512i x = _mm512_maskz_loadu_epi8(codes, row + chunk * 64);
    return _mm512_xor_si512(x, _mm512_maskz_mov_epi8(codes, _mm512_set1_epi8((char)t.flip)));
}

/* Transposes 16 rows of 16 dwords in place: afterwards r[i] holds dword i of every input row. */
QV_AVX512 static inline void transpose16x16(__m512i r[16]) {
    __m512i t[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    /* u[4j + e], 128-bit lane L: dword 4L + e of rows 4j ... 4j + 3. */
    __m512i u[16];
    for (int j = 0; j < 4; j++) {
        u[4 * j] = _mm512_unpacklo_epi64(t[4 * j], t[4 * j + 2]);
        u[4 * j + 1] = _mm512_unpackhi_epi64(t[4 * j], t[4 * j + 2]);
        u[4 * j + 2] = _mm512_unpacklo_epi64(t[4 * j + 1], t[4 * j + 3]);
        u[4 * j + 3] = _mm512_unpackhi_epi64(t[4 * j + 1], t[4 * j + 3]);
    }
    /* For each e, a 4 × 4 transpose of 128-bit lanes across u[e], u[4 + e], u[8 + e], u[12 + e]. */
    for (int e = 0; e < 4; e++) {
        __m512i v0 = _mm512_shuffle_i32x4(u[e], u[4 + e], 0x44), v1 = _mm512_shuffle_i32x4(u[e], u[4 + e], 0xEE);
        __m512i v2 = _mm512_shuffle_i32x4(u[8 + e], u[12 + e], 0x44), v3 = _mm512_shuffle_i32x4(u[8 + e], u[12 + e], 0xEE);
        r[e] = _mm512_shuffle_i32x4(v0, v2, 0x88);
        r[4 + e] = _mm512_shuffle_i32x4(v0, v2, 0xDD);
        r[8 + e] = _mm512_shuffle_i32x4(v1, v3, 0x88);
        r[12 + e] = _mm512_shuffle_i32x4(v1, v3, 0xDD);
    }
}

/* Column corrections of group g (16 columns, zero past `count`) from its prepared-byte sums. */
QV_AVX512 static inline void store_corrections(__m512i sums, ptrdiff_t g, ptrdiff_t count, int32_t activation_format,
                                               int32_t weight_format, ptrdiff_t columns, int32_t *column_corrections) {
    uint32_t column_sums[16];
    _mm512_storeu_si512((void *)column_sums, sums);
    for (int i = 0; i < 16; i++) {
        column_corrections[g * 16 + i] =
            g * 16 + i < count ? qv_mb_column_correction(activation_format, weight_format, columns, column_sums[i]) : 0;
    }
}

QV_AVX512 void qv_mb_pack_weights_avx512(const qv_mb_codes *w, ptrdiff_t first, ptrdiff_t count, ptrdiff_t groups,
                                         int32_t activation_format, int8_t *panel, int32_t *column_corrections) {
    const qv_mb_transform t = qv_mb_weight_transform(w->format);
    const ptrdiff_t chunks = (w->columns + 63) / 64, step_bytes = groups * 64;
    const __m512i ones = _mm512_set1_epi8(1);
    for (ptrdiff_t g = 0; g < groups; g++) {
        __m512i sums = _mm512_setzero_si512();
        int8_t *target = panel + g * 64;
        for (ptrdiff_t c = 0; c < chunks; c++) {
            __m512i r[16];
            for (int i = 0; i < 16; i++) {
                ptrdiff_t column = g * 16 + i;
                r[i] = column < count ? load_chunk(w->base + (first + column) * w->row_stride, w->columns, c, t)
                                      : _mm512_setzero_si512();
            }
            transpose16x16(r);
            for (int i = 0; i < 16; i++) {
                _mm512_store_si512((void *)(target + (c * 16 + i) * step_bytes), r[i]);
                sums = _mm512_dpbusd_epi32(sums, ones, r[i]);
            }
        }
        store_corrections(sums, g, count, activation_format, w->format, w->columns, column_corrections);
    }
}

/* Widens 16 regrouped bytes (one step of 16 columns) to their 16 dwords of prepared bytes. */
QV_AVX512 static inline __m512i widen_step(const uint8_t *bytes, qv_mb_transform t) {
    __m512i x = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)bytes));
    __m512i spread = _mm512_ternarylogic_epi32(x, _mm512_slli_epi32(x, 6), _mm512_slli_epi32(x, 12), 0xFE);
    spread = _mm512_ternarylogic_epi32(spread, _mm512_slli_epi32(x, 18), _mm512_set1_epi8(3), 0xA8);
    return _mm512_sub_epi8(spread, _mm512_set1_epi8((char)t.subtract));
}

QV_AVX512 void qv_mb_pack_regrouped_avx512(const uint8_t *regrouped, int32_t format, ptrdiff_t columns,
                                           ptrdiff_t first_group, ptrdiff_t count, ptrdiff_t groups,
                                           int32_t activation_format, int8_t *panel, int32_t *column_corrections) {
    const qv_mb_transform t = qv_mb_weight_transform(format);
    const ptrdiff_t steps = qv_mb_panel_steps(columns), step_bytes = groups * 64;
    const __m512i ones = _mm512_set1_epi8(1);
    for (ptrdiff_t g = 0; g < groups; g++) {
        const uint8_t *source = regrouped + (first_group + g) * steps * 16;
        __m512i sums = _mm512_setzero_si512();
        for (ptrdiff_t s = 0; s < steps; s++) {
            __m512i bytes = g * 16 < count ? widen_step(source + s * 16, t) : _mm512_setzero_si512();
            _mm512_store_si512((void *)(panel + s * step_bytes + g * 64), bytes);
            sums = _mm512_dpbusd_epi32(sums, ones, bytes);
        }
        store_corrections(sums, g, count, activation_format, format, columns, column_corrections);
    }
}
#endif
