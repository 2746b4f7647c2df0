#ifndef QV_ARM_H
#define QV_ARM_H
/* ARM64 CPU features and NEON integer GEMM tiles for the `.neon` kernel path.
   On other architectures the feature query reports nothing and the kernels must not be called. */
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

enum {
    QV_ARM_DOTPROD = 1u << 0   /* SDOT / UDOT (Armv8.2-A DotProd, FEAT_DotProd) */
};

/* The features of the running CPU, as a mask of QV_ARM_* bits (cached after the first call). */
uint32_t qv_arm_features(void);

/* Dot products of byte rows over `blocks` × 16 bytes:
       acc[r · acc_stride + c] = Σ_{k < 16·blocks} a[r · a_stride + k] · w[c · w_stride + k]
   for r < rows, c < columns, in wrapping int32 (SDOT: signed bytes; UDOT: unsigned bytes).
   Bytes are read only below 16·blocks in each row; rows and columns may be any count. Needs
   QV_ARM_DOTPROD. */
void qv_neon_dot_s8(const int8_t *a, ptrdiff_t a_stride, ptrdiff_t rows,
                    const int8_t *w, ptrdiff_t w_stride, ptrdiff_t columns, ptrdiff_t blocks,
                    int32_t *acc, ptrdiff_t acc_stride);
void qv_neon_dot_u8(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t rows,
                    const uint8_t *w, ptrdiff_t w_stride, ptrdiff_t columns, ptrdiff_t blocks,
                    int32_t *acc, ptrdiff_t acc_stride);

/* Steps (16 bytes each) that qv_neon_mla_s2 sums in 8-bit lanes before widening them: with
   |code| ≤ 3 on both sides, 14 · 9 = 126 fits in int8. */
#define QV_NARROW_RUN 14

/* The same sums for codes of magnitude at most 3 (2-bit: u2 0…3, s2 −2…1), as signed bytes, with
   ARMv8.0 NEON only (`mla` on 8-bit lanes, widened every QV_NARROW_RUN steps). Exact: equal to
   the wrapping int32 sums for any K. */
void qv_neon_mla_s2(const int8_t *a, ptrdiff_t a_stride, ptrdiff_t rows,
                    const int8_t *w, ptrdiff_t w_stride, ptrdiff_t columns, ptrdiff_t blocks,
                    int32_t *acc, ptrdiff_t acc_stride);

#ifdef __cplusplus
}
#endif
#endif
