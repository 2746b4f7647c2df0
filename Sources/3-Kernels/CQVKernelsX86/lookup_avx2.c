/* 2-bit × 2-bit GEMM by table lookup on AVX2 (`vpshufb`): see qv_lookup.h for the algebra and
   the layouts. Tiles are up to 4 activation rows × 16 columns; for each block of 63 steps of 8
   codes the tiles' tables are built once (16 KB, in L1) and reused by every column group. */
#include "qv_lookup.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define QV_LOOKUP __attribute__((target("avx2,popcnt")))
#define QV_INLINE static inline __attribute__((always_inline))

enum {
    TILE_ROWS = 4,
    BLOCK_PAIRS = 63,     /* steps of 8 codes per table block: 9 narrow runs */
    NARROW_PAIRS = 7,     /* a byte lane gains ≤ 2 · 18 per step: 7 · 36 ≤ 255 */
    TABLE_BYTES = 64      /* per row and step: two 32-byte table registers */
};

ptrdiff_t qv_lookup_scratch_bytes(void) { return TILE_ROWS * BLOCK_PAIRS * TABLE_BYTES; }

/* c of a 2-bit format: its codes are its fields minus c. */
static inline uint32_t field_offset(int32_t format) { return format == QV_MB_S2 ? 2u : 0u; }

/* pair_tables[n][i] = (n & 3)·(i & 3) + (n >> 2)·(i >> 2): the dot products of the activation
   field pair n with every weight field pair i. */
#define PAIR(n, i) (((n) & 3) * ((i) & 3) + ((n) >> 2) * ((i) >> 2))
#define TABLE(n)                                                                                     \
    { PAIR(n, 0), PAIR(n, 1), PAIR(n, 2), PAIR(n, 3), PAIR(n, 4), PAIR(n, 5), PAIR(n, 6), PAIR(n, 7), \
      PAIR(n, 8), PAIR(n, 9), PAIR(n, 10), PAIR(n, 11), PAIR(n, 12), PAIR(n, 13), PAIR(n, 14), PAIR(n, 15) }
static const uint8_t pair_tables[16][16] __attribute__((aligned(16))) = {
    TABLE(0), TABLE(1), TABLE(2), TABLE(3), TABLE(4), TABLE(5), TABLE(6), TABLE(7),
    TABLE(8), TABLE(9), TABLE(10), TABLE(11), TABLE(12), TABLE(13), TABLE(14), TABLE(15)
};
/* Sums of the two fields of each nibble: the table of the pair (1, 1). */
static const uint8_t nibble_sums[16] __attribute__((aligned(16))) = TABLE(5);

/* Byte s of a packed row of K = `columns` 2-bit codes, fields past K (and bytes past the row)
   zero. */
QV_INLINE uint8_t row_byte(const uint8_t *row, ptrdiff_t columns, ptrdiff_t s) {
    const ptrdiff_t valid = columns - 4 * s;
    if (valid <= 0) return 0;
    return valid >= 4 ? row[s] : (uint8_t)(row[s] & ((1u << (2 * valid)) - 1));
}

/* Σ of the fields of a byte. */
QV_INLINE uint32_t byte_field_sum(uint32_t b) {
    return (uint32_t)__builtin_popcount(b & 0x55) + 2 * (uint32_t)__builtin_popcount(b & 0xAA);
}

/* Σ_k<K of the fields of a packed row. */
QV_LOOKUP static uint32_t row_field_sum(const uint8_t *row, ptrdiff_t columns) {
    const ptrdiff_t full = columns / 4;
    uint64_t sum = 0;
    ptrdiff_t s = 0;
    for (; s + 8 <= full; s += 8) {
        uint64_t x;
        memcpy(&x, row + s, 8);
        sum += (uint64_t)__builtin_popcountll(x & 0x5555555555555555ull) + 2 * (uint64_t)__builtin_popcountll(x & 0xAAAAAAAAAAAAAAAAull);
    }
    for (; s < full; s++) sum += byte_field_sum(row[s]);
    if (columns % 4) sum += byte_field_sum(row_byte(row, columns, full));
    return (uint32_t)sum;
}

/* Two 16-byte tables, one per ymm lane. */
QV_LOOKUP QV_INLINE __m256i table_pair(uint32_t n0, uint32_t n1) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_load_si128((const __m128i *)pair_tables[n0])),
                                   _mm_load_si128((const __m128i *)pair_tables[n1]), 1);
}

/* The tables of `rows` rows from `first_row` for steps p0 ... p0 + count − 1: for row r and step
   p, 64 bytes at tables + (r · BLOCK_PAIRS + p) · 64 — the low-nibble tables of bytes 2p and 2p + 1
   (one per lane), then their high-nibble tables. */
QV_LOOKUP static void build_tables(const qv_mb_codes *a, ptrdiff_t first_row, int rows, ptrdiff_t p0, ptrdiff_t count,
                                   uint8_t *tables) {
    const ptrdiff_t full = a->columns / 4;
    for (int r = 0; r < rows; r++) {
        const uint8_t *row = a->base + (first_row + r) * a->row_stride;
        uint8_t *target = tables + r * BLOCK_PAIRS * TABLE_BYTES;
        for (ptrdiff_t p = 0; p < count; p++) {
            const ptrdiff_t s = 2 * (p0 + p);
            uint32_t b0, b1;
            if (s + 1 < full) {
                b0 = row[s];
                b1 = row[s + 1];
            } else {
                b0 = row_byte(row, a->columns, s);
                b1 = row_byte(row, a->columns, s + 1);
            }
            _mm256_store_si256((__m256i *)(target + p * TABLE_BYTES), table_pair(b0 & 15, b1 & 15));
            _mm256_store_si256((__m256i *)(target + p * TABLE_BYTES + 32), table_pair(b0 >> 4, b1 >> 4));
        }
    }
}

/* Adds 16-bit sums of even and odd columns (a lane each half) to 16 int32 at `out`. */
QV_LOOKUP QV_INLINE void add_columns(__m256i even, __m256i odd, int32_t *out) {
    const __m128i e = _mm_add_epi16(_mm256_castsi256_si128(even), _mm256_extracti128_si256(even, 1));
    const __m128i o = _mm_add_epi16(_mm256_castsi256_si128(odd), _mm256_extracti128_si256(odd, 1));
    __m256i *o0 = (__m256i *)out, *o1 = (__m256i *)(out + 8);
    _mm256_storeu_si256(o0, _mm256_add_epi32(_mm256_loadu_si256(o0), _mm256_cvtepu16_epi32(_mm_unpacklo_epi16(e, o))));
    _mm256_storeu_si256(o1, _mm256_add_epi32(_mm256_loadu_si256(o1), _mm256_cvtepu16_epi32(_mm_unpackhi_epi16(e, o))));
}

/* out[r][0 ... 15] += Σ over `count` steps of the lookups of R rows' tables by the weight
   nibbles at `w` (32 bytes a step). R is a constant at every call. */
QV_LOOKUP QV_INLINE void tile(const int R, const uint8_t *tables, const uint8_t *w, ptrdiff_t count, int32_t *out,
                              ptrdiff_t out_stride) {
    const __m256i nibble = _mm256_set1_epi8(0x0F), low_bytes = _mm256_set1_epi16(0x00FF);
    __m256i even[TILE_ROWS], odd[TILE_ROWS];
    for (int r = 0; r < R; r++) even[r] = odd[r] = _mm256_setzero_si256();
    for (ptrdiff_t p = 0; p < count; p += NARROW_PAIRS) {
        const ptrdiff_t end = p + NARROW_PAIRS < count ? p + NARROW_PAIRS : count;
        __m256i narrow[TILE_ROWS];
        for (int r = 0; r < R; r++) narrow[r] = _mm256_setzero_si256();
        for (ptrdiff_t q = p; q < end; q++) {
            const __m256i x = _mm256_load_si256((const __m256i *)(w + 32 * q));
            const __m256i low = _mm256_and_si256(x, nibble), high = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
            for (int r = 0; r < R; r++) {
                const uint8_t *t = tables + (r * BLOCK_PAIRS + q) * TABLE_BYTES;
                const __m256i lookups = _mm256_add_epi8(_mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)t), low),
                                                        _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)(t + 32)), high));
                narrow[r] = _mm256_add_epi8(narrow[r], lookups);
            }
        }
        for (int r = 0; r < R; r++) {
            even[r] = _mm256_add_epi16(even[r], _mm256_and_si256(narrow[r], low_bytes));
            odd[r] = _mm256_add_epi16(odd[r], _mm256_srli_epi16(narrow[r], 8));
        }
    }
    for (int r = 0; r < R; r++) add_columns(even[r], odd[r], out + r * out_stride);
}

QV_LOOKUP void qv_lookup_gemm_avx2(const qv_mb_codes *a, ptrdiff_t first_row, ptrdiff_t rows, const uint8_t *regrouped,
                                   int32_t weight_format, ptrdiff_t groups, const int32_t *column_corrections,
                                   uint8_t *scratch, int32_t *out, ptrdiff_t out_stride) {
    const ptrdiff_t steps = qv_mb_panel_steps(a->columns), pairs = ((a->columns + 3) / 4 + 1) / 2;
    const uint32_t cw = field_offset(weight_format);
    for (ptrdiff_t m = 0; m < rows; m += TILE_ROWS) {
        const int R = rows - m < TILE_ROWS ? (int)(rows - m) : TILE_ROWS;
        for (int r = 0; r < R; r++) {
            const uint32_t row = 0u - cw * row_field_sum(a->base + (first_row + m + r) * a->row_stride, a->columns);
            int32_t *o = out + (m + r) * out_stride;
            for (ptrdiff_t c = 0; c < 16 * groups; c++) o[c] = (int32_t)(row + (uint32_t)column_corrections[c]);
        }
        for (ptrdiff_t p0 = 0; p0 < pairs; p0 += BLOCK_PAIRS) {
            const ptrdiff_t count = pairs - p0 < BLOCK_PAIRS ? pairs - p0 : BLOCK_PAIRS;
            build_tables(a, first_row + m, R, p0, count, scratch);
            for (ptrdiff_t g = 0; g < groups; g++) {
                const uint8_t *w = regrouped + (g * steps + 2 * p0) * 16;
                int32_t *o = out + m * out_stride + 16 * g;
                switch (R) {
                case 4: tile(4, scratch, w, count, o, out_stride); break;
                case 3: tile(3, scratch, w, count, o, out_stride); break;
                case 2: tile(2, scratch, w, count, o, out_stride); break;
                default: tile(1, scratch, w, count, o, out_stride); break;
                }
            }
        }
    }
}

QV_LOOKUP void qv_lookup_column_corrections_avx2(const uint8_t *regrouped, int32_t weight_format, ptrdiff_t columns,
                                                 ptrdiff_t groups, int32_t activation_format, int32_t *column_corrections) {
    const uint32_t ca = field_offset(activation_format), cw = field_offset(weight_format);
    if (ca == 0) {
        memset(column_corrections, 0, (size_t)(16 * groups) * sizeof(int32_t));
        return;
    }
    /* Every panel field is summed; the 4·steps − K padding fields each hold cw (code 0). */
    const ptrdiff_t steps = qv_mb_panel_steps(columns), pairs = steps / 2;
    const uint32_t padding = cw * (uint32_t)(4 * steps - columns);
    const __m256i nibble = _mm256_set1_epi8(0x0F), low_bytes = _mm256_set1_epi16(0x00FF);
    const __m256i sums_table = _mm256_broadcastsi128_si256(_mm_load_si128((const __m128i *)nibble_sums));
    for (ptrdiff_t g = 0; g < groups; g++) {
        const uint8_t *w = regrouped + g * steps * 16;
        int32_t totals[16] = { 0 };
        for (ptrdiff_t p = 0; p < pairs; p += 21) {   /* a byte lane gains ≤ 12 per step: 21 · 12 ≤ 255 */
            const ptrdiff_t end = p + 21 < pairs ? p + 21 : pairs;
            __m256i narrow = _mm256_setzero_si256();
            for (ptrdiff_t q = p; q < end; q++) {
                const __m256i x = _mm256_load_si256((const __m256i *)(w + 32 * q));
                narrow = _mm256_add_epi8(narrow, _mm256_add_epi8(
                    _mm256_shuffle_epi8(sums_table, _mm256_and_si256(x, nibble)),
                    _mm256_shuffle_epi8(sums_table, _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble))));
            }
            add_columns(_mm256_and_si256(narrow, low_bytes), _mm256_srli_epi16(narrow, 8), totals);
        }
        for (int c = 0; c < 16; c++) {
            const uint32_t sum = (uint32_t)totals[c] - padding;
            column_corrections[16 * g + c] = (int32_t)((uint32_t)columns * ca * cw - ca * sum);
        }
    }
}
#endif
