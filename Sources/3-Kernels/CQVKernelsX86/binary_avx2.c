/* 1-bit GEMM popcount counts on AVX2 by nibble-table lookup: see qv_binary.h for the algebra
   and the layouts. A tile is 8 activation rows (one panel: two ymm of 4 rows) × 4 weight rows,
   eight byte accumulators; for each quad of weight rows and each chunk of ≤ 31 words the quad's
   nibble words are split once and every panel is counted against them. */
#include "qv_binary.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define QV_BINARY __attribute__((target("avx2")))
#define QV_INLINE static inline __attribute__((always_inline))

enum {
    CHUNK_WORDS = 31,   /* a byte lane gains ≤ 4 + 4 per word: 31 · 8 ≤ 255 */
    QUAD = 4
};

static const uint64_t low_nibbles = 0x0F0F0F0F0F0F0F0Full;

/* The nibble words of one quad of weight rows over one chunk: lo[j][w] and hi[j][w] are the low
   and high nibbles of word w of row j, each nibble in the low half of its byte. */
typedef struct {
    uint64_t lo[QUAD][CHUNK_WORDS + 1], hi[QUAD][CHUNK_WORDS + 1];
} split_quad;

/* Splits words first…first + count − 1 of the rows first_row…first_row + 3 (the last row
   repeated past weight_rows), the valid bits of word words − 1 only. */
static QV_BINARY void split_weights(const uint8_t *weights, ptrdiff_t weight_stride, ptrdiff_t weight_rows,
                                    ptrdiff_t first_row, ptrdiff_t words, uint64_t last_word_mask, ptrdiff_t first,
                                    ptrdiff_t count, split_quad *split) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    for (int j = 0; j < QUAD; j++) {
        const ptrdiff_t row = first_row + j < weight_rows ? first_row + j : weight_rows - 1;
        const uint8_t *source = weights + row * weight_stride + first * 8;
        /* Four words at a time while they are all full words of the row, then one by one. */
        const ptrdiff_t full = first + count == words ? count - 1 : count;
        ptrdiff_t w = 0;
        for (; w + 4 <= full; w += 4) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(source + w * 8));
            _mm256_storeu_si256((__m256i *)&split->lo[j][w], _mm256_and_si256(x, mask));
            _mm256_storeu_si256((__m256i *)&split->hi[j][w], _mm256_and_si256(_mm256_srli_epi16(x, 4), mask));
        }
        for (; w < count; w++) {
            uint64_t x;
            __builtin_memcpy(&x, source + w * 8, 8);
            if (first + w == words - 1) x &= last_word_mask;
            split->lo[j][w] = x & low_nibbles;
            split->hi[j][w] = (x >> 4) & low_nibbles;
        }
    }
}

QV_INLINE QV_BINARY __m256i combine_words(int32_t combine, __m256i a, __m256i w) {
    return combine == QV_BINARY_AND ? _mm256_and_si256(a, w) : _mm256_xor_si256(a, w);
}

/* Writes (accumulate = 0) or adds the counts of 4 rows × 4 columns: sums[j] holds the byte
   counts of column j, 64-bit lane r for row r. */
QV_INLINE QV_BINARY void store_rows(const __m256i sums[QUAD], int32_t *target, ptrdiff_t stride, int accumulate) {
    const __m256i zero = _mm256_setzero_si256();
    const __m256 s0 = _mm256_castsi256_ps(_mm256_sad_epu8(sums[0], zero)), s1 = _mm256_castsi256_ps(_mm256_sad_epu8(sums[1], zero));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_sad_epu8(sums[2], zero)), s3 = _mm256_castsi256_ps(_mm256_sad_epu8(sums[3], zero));
    /* The counts are the low 32 bits of each 64-bit sum. Per 128-bit lane (rows r, r + 1 with
       r = 0, 2): (r, 0) (r + 1, 0) (r, 1) (r + 1, 1), and the same for columns 2, 3. */
    const __m256 c01 = _mm256_shuffle_ps(s0, s1, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256 c23 = _mm256_shuffle_ps(s2, s3, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256i even = _mm256_castps_si256(_mm256_shuffle_ps(c01, c23, _MM_SHUFFLE(2, 0, 2, 0)));  /* rows 0, 2 */
    const __m256i odd = _mm256_castps_si256(_mm256_shuffle_ps(c01, c23, _MM_SHUFFLE(3, 1, 3, 1)));   /* rows 1, 3 */
    __m128i rows[4] = {_mm256_castsi256_si128(even), _mm256_castsi256_si128(odd),
                       _mm256_extracti128_si256(even, 1), _mm256_extracti128_si256(odd, 1)};
    for (int r = 0; r < 4; r++) {
        __m128i *p = (__m128i *)(target + r * stride);
        _mm_storeu_si128(p, accumulate ? _mm_add_epi32(_mm_loadu_si128(p), rows[r]) : rows[r]);
    }
}

/* Splits every word of every panel into its low and high nibbles (see qv_binary.h). */
static QV_BINARY void split_panels(const uint64_t *panels, ptrdiff_t panel_count, ptrdiff_t words, uint64_t *nibbles) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    for (ptrdiff_t i = 0; i < panel_count * words; i++) {
        for (int half = 0; half < 2; half++) {
            const __m256i a = _mm256_loadu_si256((const __m256i *)(panels + 8 * i + 4 * half));
            _mm256_storeu_si256((__m256i *)(nibbles + 16 * i + 4 * half), _mm256_and_si256(a, mask));
            _mm256_storeu_si256((__m256i *)(nibbles + 16 * i + 8 + 4 * half), _mm256_and_si256(_mm256_srli_epi16(a, 4), mask));
        }
    }
}

/* Counts one split panel against one split quad over `count` words and stores the 8 × 4
   counts. Per weight word: 8 combines (the activation nibbles as memory operands), 8 lookups,
   8 byte adds. */
QV_INLINE QV_BINARY void count_tile(int32_t combine, const uint64_t *panel_nibbles, ptrdiff_t count, const split_quad *split,
                                    int32_t *target, ptrdiff_t stride, int accumulate) {
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                           0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    __m256i low[QUAD], high[QUAD];
    for (int j = 0; j < QUAD; j++) low[j] = high[j] = _mm256_setzero_si256();
    for (ptrdiff_t w = 0; w < count; w++) {
        const __m256i *a = (const __m256i *)(panel_nibbles + 16 * w);
        const __m256i low_lo = _mm256_loadu_si256(a), high_lo = _mm256_loadu_si256(a + 1);  /* rows 0–3, 4–7 */
        const __m256i low_hi = _mm256_loadu_si256(a + 2), high_hi = _mm256_loadu_si256(a + 3);
        for (int j = 0; j < QUAD; j++) {
            const __m256i wl = _mm256_set1_epi64x((long long)split->lo[j][w]);
            const __m256i wh = _mm256_set1_epi64x((long long)split->hi[j][w]);
            low[j] = _mm256_add_epi8(low[j], _mm256_shuffle_epi8(table, combine_words(combine, low_lo, wl)));
            low[j] = _mm256_add_epi8(low[j], _mm256_shuffle_epi8(table, combine_words(combine, low_hi, wh)));
            high[j] = _mm256_add_epi8(high[j], _mm256_shuffle_epi8(table, combine_words(combine, high_lo, wl)));
            high[j] = _mm256_add_epi8(high[j], _mm256_shuffle_epi8(table, combine_words(combine, high_hi, wh)));
        }
    }
    store_rows(low, target, stride, accumulate);
    store_rows(high, target + 4 * stride, stride, accumulate);
}

QV_INLINE QV_BINARY void counts(int32_t combine, const uint64_t *panels, ptrdiff_t panel_count, ptrdiff_t words,
                                const uint8_t *weights, ptrdiff_t weight_stride, ptrdiff_t weight_rows,
                                uint64_t last_word_mask, uint64_t *nibbles, int32_t *out, ptrdiff_t count_stride) {
    split_quad split;
    split_panels(panels, panel_count, words, nibbles);
    for (ptrdiff_t quad = 0; quad < (weight_rows + QUAD - 1) / QUAD; quad++) {
        if (words == 0) {
            for (ptrdiff_t r = 0; r < 8 * panel_count; r++)
                for (int j = 0; j < QUAD; j++) out[r * count_stride + QUAD * quad + j] = 0;
            continue;
        }
        for (ptrdiff_t first = 0; first < words; first += CHUNK_WORDS) {
            const ptrdiff_t count = words - first < CHUNK_WORDS ? words - first : CHUNK_WORDS;
            split_weights(weights, weight_stride, weight_rows, QUAD * quad, words, last_word_mask, first, count, &split);
            for (ptrdiff_t p = 0; p < panel_count; p++)
                count_tile(combine, nibbles + 16 * (p * words + first), count, &split,
                           out + 8 * p * count_stride + QUAD * quad, count_stride, first > 0);
        }
    }
}

ptrdiff_t qv_binary_scratch_bytes_avx2(ptrdiff_t panel_count, ptrdiff_t words) { return panel_count * words * 128; }

QV_BINARY void qv_binary_counts_avx2(int32_t combine, const uint64_t *panels, ptrdiff_t panel_count, ptrdiff_t words,
                                     const uint8_t *weights, ptrdiff_t weight_stride, ptrdiff_t weight_rows,
                                     uint64_t last_word_mask, uint64_t *scratch, int32_t *out, ptrdiff_t count_stride) {
    if (combine == QV_BINARY_AND)
        counts(QV_BINARY_AND, panels, panel_count, words, weights, weight_stride, weight_rows, last_word_mask, scratch, out, count_stride);
    else
        counts(QV_BINARY_XOR, panels, panel_count, words, weights, weight_stride, weight_rows, last_word_mask, scratch, out, count_stride);
}

#else

ptrdiff_t qv_binary_scratch_bytes_avx2(ptrdiff_t panel_count, ptrdiff_t words) { return panel_count * words * 128; }

void qv_binary_counts_avx2(int32_t combine, const uint64_t *panels, ptrdiff_t panel_count, ptrdiff_t words,
                           const uint8_t *weights, ptrdiff_t weight_stride, ptrdiff_t weight_rows,
                           uint64_t last_word_mask, uint64_t *scratch, int32_t *counts, ptrdiff_t count_stride) {
    (void)combine; (void)panels; (void)panel_count; (void)words; (void)weights; (void)weight_stride;
    (void)weight_rows; (void)last_word_mask; (void)scratch; (void)counts; (void)count_stride;
}

#endif
