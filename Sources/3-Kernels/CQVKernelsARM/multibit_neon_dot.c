/* NEON SDOT / UDOT tiles for the 2-/8-bit integer GEMM: 4 rows × 4 columns of byte rows, sixteen
   int32x4 accumulators, each step one 16-byte load per row and column and sixteen dot
   instructions; lanes are summed at the end. Row and column tails reuse the last valid row or
   column and drop the extra results. */
#include "qv_arm.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define QV_DOTPROD __attribute__((target("dotprod")))

enum { TILE = 4 };

#define QV_DOT_KERNEL(name, byte_t, vec_t, acc_t, load, dot, dup, sum)                                      \
    QV_DOTPROD void name(const byte_t *a, ptrdiff_t a_stride, ptrdiff_t rows, const byte_t *w,             \
                         ptrdiff_t w_stride, ptrdiff_t columns, ptrdiff_t blocks, int32_t *acc,             \
                         ptrdiff_t acc_stride) {                                                             \
        for (ptrdiff_t r0 = 0; r0 < rows; r0 += TILE) {                                                     \
            const byte_t *ar[TILE];                                                                          \
            for (int i = 0; i < TILE; i++) ar[i] = a + (r0 + i < rows ? r0 + i : rows - 1) * a_stride;      \
            for (ptrdiff_t c0 = 0; c0 < columns; c0 += TILE) {                                              \
                const byte_t *wc[TILE];                                                                      \
                for (int j = 0; j < TILE; j++)                                                               \
                    wc[j] = w + (c0 + j < columns ? c0 + j : columns - 1) * w_stride;                       \
                acc_t s[TILE][TILE];                                                                         \
                for (int i = 0; i < TILE; i++)                                                               \
                    for (int j = 0; j < TILE; j++) s[i][j] = dup(0);                                        \
                for (ptrdiff_t b = 0; b < blocks; b++) {                                                    \
                    vec_t x[TILE], y[TILE];                                                                  \
                    for (int i = 0; i < TILE; i++) x[i] = load(ar[i] + 16 * b);                             \
                    for (int j = 0; j < TILE; j++) y[j] = load(wc[j] + 16 * b);                             \
                    for (int i = 0; i < TILE; i++)                                                           \
                        for (int j = 0; j < TILE; j++) s[i][j] = dot(s[i][j], x[i], y[j]);                  \
                }                                                                                            \
                for (int i = 0; i < TILE && r0 + i < rows; i++)                                              \
                    for (int j = 0; j < TILE && c0 + j < columns; j++)                                       \
                        acc[(r0 + i) * acc_stride + c0 + j] = (int32_t)sum(s[i][j]);                        \
            }                                                                                                \
        }                                                                                                    \
    }

QV_DOT_KERNEL(qv_neon_dot_s8, int8_t, int8x16_t, int32x4_t, vld1q_s8, vdotq_s32, vdupq_n_s32, vaddvq_s32)
QV_DOT_KERNEL(qv_neon_dot_u8, uint8_t, uint8x16_t, uint32x4_t, vld1q_u8, vdotq_u32, vdupq_n_u32, vaddvq_u32)
#endif
