/* 2-bit × 2-bit GEMM by table lookup on ARMv8.0 NEON (`tbl`), no DotProd needed: see qv_arm.h for
   the algebra and the layouts. Tiles are up to 4 activation rows × 16 columns; for each block of
   BLOCK_STEPS steps of 4 codes the tiles' tables are built once (16 KB, in L1) and reused by
   every column group. */
#include "qv_arm.h"

#if defined(__aarch64__)
#include <arm_neon.h>

enum {
    TILE_ROWS = 4,
    NARROW_STEPS = 7,     /* a byte lane gains ≤ 2 · 18 per step: 7 · 36 ≤ 255 */
    BLOCK_STEPS = 126,    /* 18 narrow runs: 126 · 36 ≤ 65535 in the 16-bit lanes */
    TABLE_BYTES = 32      /* per row and step: the tables of the byte's low and high nibble */
};

ptrdiff_t qv_neon_lookup_scratch_bytes(void) { return TILE_ROWS * BLOCK_STEPS * TABLE_BYTES; }

/* Byte s of a packed row of K = `columns` 2-bit codes, fields past K (and bytes past the row)
   zero. */
static inline uint8_t row_byte(const uint8_t *row, ptrdiff_t columns, ptrdiff_t s) {
    const ptrdiff_t valid = columns - 4 * s;
    if (valid <= 0) return 0;
    return valid >= 4 ? row[s] : (uint8_t)(row[s] & ((1u << (2 * valid)) - 1));
}

/* Σ_k<K of the fields of a packed row. */
static uint32_t row_field_sum(const uint8_t *row, ptrdiff_t columns) {
    const ptrdiff_t full = columns / 4;
    uint64_t sum = 0;
    ptrdiff_t s = 0;
    for (; s + 8 <= full; s += 8) {
        uint64_t x;
        __builtin_memcpy(&x, row + s, 8);
        sum += (uint64_t)__builtin_popcountll(x & 0x5555555555555555ull) + 2 * (uint64_t)__builtin_popcountll(x & 0xAAAAAAAAAAAAAAAAull);
    }
    for (; s < (columns + 3) / 4; s++) {
        const uint32_t b = row_byte(row, columns, s);
        sum += (uint32_t)__builtin_popcount(b & 0x55) + 2 * (uint32_t)__builtin_popcount(b & 0xAA);
    }
    return (uint32_t)sum;
}

void qv_neon_lookup_regroup(const uint8_t *w, ptrdiff_t w_stride, ptrdiff_t rows, ptrdiff_t columns,
                            uint8_t *regrouped, uint32_t *field_sums) {
    const ptrdiff_t steps = (columns + 3) / 4, groups = (rows + 15) / 16;
    for (ptrdiff_t g = 0; g < groups; g++) {
        uint8_t *target = regrouped + g * steps * 16;
        for (int j = 0; j < 16; j++) {
            const ptrdiff_t n = 16 * g + j;
            if (n >= rows) {
                for (ptrdiff_t s = 0; s < steps; s++) target[16 * s + j] = 0;
                field_sums[n] = 0;
                continue;
            }
            const uint8_t *row = w + n * w_stride;
            for (ptrdiff_t s = 0; s < steps; s++) target[16 * s + j] = row[s];
            field_sums[n] = row_field_sum(row, columns);
        }
    }
}

/* The two tables of byte b: t[i] = f0·(i & 3) + f1·(i >> 2) for the nibble (f0, f1) of each half. */
static inline void store_tables(uint32_t b, uint8_t *target) {
    static const uint8_t low_fields[16] = { 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3 };
    static const uint8_t high_fields[16] = { 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 };
    const uint8x16_t f0 = vld1q_u8(low_fields), f1 = vld1q_u8(high_fields);
    vst1q_u8(target, vmlaq_u8(vmulq_u8(f0, vdupq_n_u8((uint8_t)(b & 3))), f1, vdupq_n_u8((uint8_t)((b >> 2) & 3))));
    vst1q_u8(target + 16, vmlaq_u8(vmulq_u8(f0, vdupq_n_u8((uint8_t)((b >> 4) & 3))), f1, vdupq_n_u8((uint8_t)(b >> 6))));
}

/* The tables of `rows` rows from `first` for steps s0 ... s0 + count − 1: for row r and step s,
   32 bytes at tables + (r · BLOCK_STEPS + s − s0) · 32. */
static void build_tables(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t columns, int rows, ptrdiff_t s0,
                         ptrdiff_t count, uint8_t *tables) {
    for (int r = 0; r < rows; r++) {
        const uint8_t *row = a + r * a_stride;
        uint8_t *target = tables + r * BLOCK_STEPS * TABLE_BYTES;
        for (ptrdiff_t s = 0; s < count; s++) store_tables(row_byte(row, columns, s0 + s), target + s * TABLE_BYTES);
    }
}

/* out[r][0 ... 15] += Σ over `count` steps of the lookups of R rows' tables by the weight
   nibbles at `w` (16 bytes a step). R is a constant at every call. */
static inline __attribute__((always_inline)) void tile(const int R, const uint8_t *tables, const uint8_t *w,
                                                       ptrdiff_t count, uint32_t *out, ptrdiff_t out_stride) {
    const uint8x16_t nibble = vdupq_n_u8(0x0F);
    uint16x8_t low[TILE_ROWS], high[TILE_ROWS];
    for (int r = 0; r < R; r++) low[r] = high[r] = vdupq_n_u16(0);
    for (ptrdiff_t p = 0; p < count; p += NARROW_STEPS) {
        const ptrdiff_t end = p + NARROW_STEPS < count ? p + NARROW_STEPS : count;
        uint8x16_t narrow[TILE_ROWS];
        for (int r = 0; r < R; r++) narrow[r] = vdupq_n_u8(0);
        for (ptrdiff_t q = p; q < end; q++) {
            const uint8x16_t x = vld1q_u8(w + 16 * q);
            const uint8x16_t lo = vandq_u8(x, nibble), hi = vshrq_n_u8(x, 4);
            for (int r = 0; r < R; r++) {
                const uint8x16x2_t t = vld1q_u8_x2(tables + (r * BLOCK_STEPS + q) * TABLE_BYTES);
                narrow[r] = vaddq_u8(narrow[r], vaddq_u8(vqtbl1q_u8(t.val[0], lo), vqtbl1q_u8(t.val[1], hi)));
            }
        }
        for (int r = 0; r < R; r++) {
            low[r] = vaddw_u8(low[r], vget_low_u8(narrow[r]));
            high[r] = vaddw_high_u8(high[r], narrow[r]);
        }
    }
    for (int r = 0; r < R; r++) {
        uint32_t *o = out + r * out_stride;
        vst1q_u32(o, vaddw_u16(vld1q_u32(o), vget_low_u16(low[r])));
        vst1q_u32(o + 4, vaddw_high_u16(vld1q_u32(o + 4), low[r]));
        vst1q_u32(o + 8, vaddw_u16(vld1q_u32(o + 8), vget_low_u16(high[r])));
        vst1q_u32(o + 12, vaddw_high_u16(vld1q_u32(o + 12), high[r]));
    }
}

void qv_neon_lookup_s2(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t rows, ptrdiff_t columns, uint32_t a_offset,
                       const uint8_t *regrouped, ptrdiff_t groups, uint32_t w_offset, const uint32_t *w_field_sums,
                       uint8_t *scratch, int32_t *out, ptrdiff_t out_stride) {
    const ptrdiff_t steps = (columns + 3) / 4;
    uint32_t *sums = (uint32_t *)out;
    for (ptrdiff_t m = 0; m < rows; m += TILE_ROWS) {
        const int R = rows - m < TILE_ROWS ? (int)(rows - m) : TILE_ROWS;
        const uint8_t *first = a + m * a_stride;
        /* Σ a·w = Σ fa·fw − cw·Σ fa − ca·Σ fw + K·ca·cw, all wrapping. */
        for (int r = 0; r < R; r++) {
            const uint32_t row = (uint32_t)columns * a_offset * w_offset - w_offset * row_field_sum(first + r * a_stride, columns);
            uint32_t *o = sums + (m + r) * out_stride;
            for (ptrdiff_t c = 0; c < 16 * groups; c++) o[c] = row - a_offset * w_field_sums[c];
        }
        for (ptrdiff_t s0 = 0; s0 < steps; s0 += BLOCK_STEPS) {
            const ptrdiff_t count = steps - s0 < BLOCK_STEPS ? steps - s0 : BLOCK_STEPS;
            build_tables(first, a_stride, columns, R, s0, count, scratch);
            for (ptrdiff_t g = 0; g < groups; g++) {
                const uint8_t *w = regrouped + (g * steps + s0) * 16;
                uint32_t *o = sums + m * out_stride + 16 * g;
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
#endif
