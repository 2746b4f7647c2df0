/* ARMv8.0 NEON tiles for 2-bit × 2-bit integer GEMMs (no DotProd needed): codes widened to one
   signed byte each are multiplied 16 lanes at a time with `mla` into 8-bit accumulators (16 MACs
   per instruction), which are widened into 32-bit ones (`saddlp` + `sadalp`) before they can
   overflow: 4 rows × 2 columns, eight 8-bit and eight 32-bit accumulators, each step one 16-byte
   load per row and column and eight `mla`. Row and column tails reuse the last valid row or column
   and drop the extra results. Exact: with |code| ≤ 3 each product is at most 9 in magnitude, so a
   run of QV_NARROW_RUN steps stays within int8, and the sums equal the scalar reference's. */
#include "qv_arm.h"

#if defined(__aarch64__)
#include <arm_neon.h>

enum { ROWS = 4, COLUMNS = 2 };

void qv_neon_mla_s2(const int8_t *a, ptrdiff_t a_stride, ptrdiff_t rows, const int8_t *w, ptrdiff_t w_stride,
                    ptrdiff_t columns, ptrdiff_t blocks, int32_t *acc, ptrdiff_t acc_stride) {
    for (ptrdiff_t r0 = 0; r0 < rows; r0 += ROWS) {
        const int8_t *ar[ROWS];
        for (int i = 0; i < ROWS; i++) ar[i] = a + (r0 + i < rows ? r0 + i : rows - 1) * a_stride;
        for (ptrdiff_t c0 = 0; c0 < columns; c0 += COLUMNS) {
            const int8_t *wc[COLUMNS];
            for (int j = 0; j < COLUMNS; j++) wc[j] = w + (c0 + j < columns ? c0 + j : columns - 1) * w_stride;
            int32x4_t wide[ROWS][COLUMNS];
            for (int i = 0; i < ROWS; i++)
                for (int j = 0; j < COLUMNS; j++) wide[i][j] = vdupq_n_s32(0);
            for (ptrdiff_t b0 = 0; b0 < blocks; b0 += QV_NARROW_RUN) {
                ptrdiff_t end = b0 + QV_NARROW_RUN < blocks ? b0 + QV_NARROW_RUN : blocks;
                int8x16_t s[ROWS][COLUMNS];
                for (int i = 0; i < ROWS; i++)
                    for (int j = 0; j < COLUMNS; j++) s[i][j] = vdupq_n_s8(0);
                for (ptrdiff_t b = b0; b < end; b++) {
                    int8x16_t x[ROWS], y[COLUMNS];
                    for (int i = 0; i < ROWS; i++) x[i] = vld1q_s8(ar[i] + 16 * b);
                    for (int j = 0; j < COLUMNS; j++) y[j] = vld1q_s8(wc[j] + 16 * b);
                    for (int i = 0; i < ROWS; i++)
                        for (int j = 0; j < COLUMNS; j++) s[i][j] = vmlaq_s8(s[i][j], x[i], y[j]);
                }
                for (int i = 0; i < ROWS; i++)
                    for (int j = 0; j < COLUMNS; j++) wide[i][j] = vpadalq_s16(wide[i][j], vpaddlq_s8(s[i][j]));
            }
            for (int i = 0; i < ROWS && r0 + i < rows; i++)
                for (int j = 0; j < COLUMNS && c0 + j < columns; j++)
                    acc[(r0 + i) * acc_stride + c0 + j] = vaddvq_s32(wide[i][j]);
        }
    }
}
#endif
