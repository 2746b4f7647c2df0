/* Widening 2-/8-bit packed codes to the bytes the multi-bit GEMM kernels multiply (AVX2):
   activations to unsigned rows, weights to column panels, with the bias corrections.
   See qv_multibit.h for the layouts and the algebra. */
#include "multibit_transform.h"

ptrdiff_t qv_mb_prepared_stride(ptrdiff_t columns) { return (columns + 31) / 32 * 32; }
ptrdiff_t qv_mb_panel_steps(ptrdiff_t columns) { return (columns + 63) / 64 * 16; }
ptrdiff_t qv_mb_kernel_steps(ptrdiff_t columns) { return (columns + 3) / 4; }

ptrdiff_t qv_mb_regrouped_bytes(ptrdiff_t rows, ptrdiff_t columns) {
    return (rows + 15) / 16 * qv_mb_panel_steps(columns) * 16;
}

void qv_mb_regroup_weights(const qv_mb_codes *w, uint8_t *out) {
    const ptrdiff_t steps = qv_mb_panel_steps(w->columns), stored = (w->columns + 3) / 4;
    const uint8_t zero_field = w->format == QV_MB_S2 ? 2 : 0, zero_byte = (uint8_t)(zero_field * 0x55);
    const ptrdiff_t groups = (w->rows + 15) / 16;
    for (ptrdiff_t g = 0; g < groups; g++) {
        for (ptrdiff_t s = 0; s < steps; s++) {
            for (ptrdiff_t c = 0; c < 16; c++) {
                const ptrdiff_t row = 16 * g + c;
                uint8_t byte = zero_byte;
                if (row < w->rows && s < stored) {
                    byte = w->base[row * w->row_stride + s];
                    for (ptrdiff_t slot = 0; slot < 4; slot++) {   /* fields past K read as code 0 */
                        if (4 * s + slot >= w->columns) {
                            byte = (uint8_t)((byte & ~(3u << (2 * slot))) | (unsigned)zero_field << (2 * slot));
                        }
                    }
                }
                out[(g * steps + s) * 16 + c] = byte;
            }
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define QV_AVX2 __attribute__((target("avx2")))

/* Prepared bytes of codes k = 32·chunk ... 32·chunk + 31 of `row`, zero past K. Reads only the
   row's ceil(K · bits / 8) stored bytes. */
QV_AVX2 static inline __m256i load_chunk(const uint8_t *row, ptrdiff_t columns, ptrdiff_t chunk, qv_mb_transform t) {
    ptrdiff_t valid = columns - chunk * 32;
    __m256i bytes;
    if (t.two_bit) {
        uint8_t staged[8] = { 0 };
        const uint8_t *source = row + chunk * 8;
        if (valid < 32) {
            memcpy(staged, source, (size_t)(valid + 3) / 4);
            source = staged;
        }
        /* Byte j of the source becomes dword j; its fields go to bytes 0...3 of that dword. */
        __m256i x = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)source));
        __m256i spread = _mm256_or_si256(_mm256_or_si256(x, _mm256_slli_epi32(x, 6)),
                                         _mm256_or_si256(_mm256_slli_epi32(x, 12), _mm256_slli_epi32(x, 18)));
        bytes = _mm256_sub_epi8(_mm256_and_si256(spread, _mm256_set1_epi8(3)), _mm256_set1_epi8((char)t.subtract));
    } else {
        uint8_t staged[32] = { 0 };
        const uint8_t *source = row + chunk * 32;
        if (valid < 32) {
            memcpy(staged, source, (size_t)valid);
            source = staged;
        }
        bytes = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)source), _mm256_set1_epi8((char)t.flip));
    }
    if (valid < 32) {
        const __m256i index = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                               16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        bytes = _mm256_and_si256(bytes, _mm256_cmpgt_epi8(_mm256_set1_epi8((char)valid), index));
    }
    return bytes;
}

QV_AVX2 void qv_mb_prepare_activations(const qv_mb_codes *a, int32_t weight_format,
                                       uint8_t *prepared, int32_t *row_corrections) {
    const qv_mb_transform t = qv_mb_activation_transform(a->format);
    const ptrdiff_t stride = qv_mb_prepared_stride(a->columns), chunks = stride / 32;
    const uint32_t bw = qv_mb_weight_bias(weight_format);
    for (ptrdiff_t m = 0; m < a->rows; m++) {
        const uint8_t *row = a->base + m * a->row_stride;
        uint8_t *target = prepared + m * stride;
        __m256i sums = _mm256_setzero_si256();
        for (ptrdiff_t c = 0; c < chunks; c++) {
            __m256i bytes = load_chunk(row, a->columns, c, t);
            _mm256_storeu_si256((__m256i *)(target + c * 32), bytes);
            sums = _mm256_add_epi64(sums, _mm256_sad_epu8(bytes, _mm256_setzero_si256()));
        }
        __m128i half = _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
        uint64_t total = (uint64_t)_mm_cvtsi128_si64(half) + (uint64_t)_mm_extract_epi64(half, 1);
        row_corrections[m] = (int32_t)(0u - bw * (uint32_t)total);
    }
}

/* Transposes 8 rows of 8 dwords in place: afterwards r[i] holds dword i of every input row. */
QV_AVX2 static inline void transpose8x8(__m256i r[8]) {
    __m256i t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 2; i++) {
        u[4 * i] = _mm256_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 1] = _mm256_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
        u[4 * i + 2] = _mm256_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
        u[4 * i + 3] = _mm256_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm256_permute2x128_si256(u[i], u[4 + i], 0x20);
        r[4 + i] = _mm256_permute2x128_si256(u[i], u[4 + i], 0x31);
    }
}

QV_AVX2 void qv_mb_pack_weights(const qv_mb_codes *w, ptrdiff_t first, ptrdiff_t count, ptrdiff_t groups,
                                int32_t activation_format, int8_t *panel, int32_t *column_corrections) {
    const qv_mb_transform t = qv_mb_weight_transform(w->format);
    const ptrdiff_t chunks = (w->columns + 31) / 32, step_bytes = groups * 64;
    const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
    /* Eight columns at a time: 8 rows × 32 codes transpose into 8 steps × 8 columns. */
    for (ptrdiff_t block = 0; block < groups * 2; block++) {
        __m256i sums = _mm256_setzero_si256();
        int8_t *target = panel + block * 32;
        for (ptrdiff_t c = 0; c < chunks; c++) {
            __m256i r[8];
            for (int i = 0; i < 8; i++) {
                ptrdiff_t column = block * 8 + i;
                r[i] = column < count ? load_chunk(w->base + (first + column) * w->row_stride, w->columns, c, t)
                                      : _mm256_setzero_si256();
            }
            transpose8x8(r);
            for (int i = 0; i < 8; i++) {
                _mm256_store_si256((__m256i *)(target + (c * 8 + i) * step_bytes), r[i]);
                sums = _mm256_add_epi32(sums, _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, r[i]), ones16));
            }
        }
        uint32_t column_sums[8];
        _mm256_storeu_si256((__m256i *)column_sums, sums);
        for (int i = 0; i < 8; i++) {
            column_corrections[block * 8 + i] =
                block * 8 + i < count ? qv_mb_column_correction(activation_format, w->format, w->columns, column_sums[i]) : 0;
        }
    }
}
#endif
