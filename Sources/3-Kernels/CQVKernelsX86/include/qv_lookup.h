#ifndef QV_LOOKUP_H
#define QV_LOOKUP_H
/* 2-bit × 2-bit integer GEMM by table lookup (T-MAC's idea) on x86-64 AVX2:
   acc[m][n] = Σ_k a(m, k) · w(n, k) (wrapping int32), for activations and weights of any 2-bit
   format (QV_MB_S2 or QV_MB_U2).

   Both operands are used as their stored unsigned fields f ∈ {0…3}: a code is f − c with c = 2
   for s2 and 0 for u2, so that
       Σ a·w = Σ fa·fw − cw·Σ fa − ca·Σ fw + K·ca·cw.
   Every pair of activation fields (fa0, fa1) — one nibble of the packed row — selects a 16-byte
   table t[i] = fa0·(i & 3) + fa1·(i >> 2) of its dot products with all 16 pairs of weight fields;
   a nibble of the packed weights is exactly such an i. `vpshufb` looks up 32 weight nibbles in
   the tables of one activation row at a time, so 32 lookups are 64 multiply-adds. The bytes
   (≤ 36 per step of 8 codes) are summed in 8-bit lanes for 7 steps, widened to 16-bit lanes, and
   to int32 at the end of each block of 504 codes.

   Weights are read regrouped by qv_mb_regroup_weights (qv_multibit.h): for each group of 16
   output columns and step s of 4 codes, 16 adjacent bytes (byte s of each column's packed row).
   Two steps fill one ymm: lane 0 step 2t, lane 1 step 2t + 1. */
#include <stddef.h>
#include <stdint.h>
#include "qv_multibit.h"
#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of scratch one qv_lookup_gemm_avx2 call needs: the tables of 4 rows over one block. */
ptrdiff_t qv_lookup_scratch_bytes(void);

/* column_corrections[c] = −ca·Σ_k fw(c, k) + K·ca·cw for the 16 · groups columns of `regrouped`
   (format `weight_format`, K = `columns`), ca and cw from the two formats; the padding fields
   qv_mb_regroup_weights writes past K are not counted. Zero when the activations are u2
   (ca = 0). Needs AVX2. */
void qv_lookup_column_corrections_avx2(const uint8_t *regrouped, int32_t weight_format, ptrdiff_t columns,
                                       ptrdiff_t groups, int32_t activation_format, int32_t *column_corrections);

/* out[r · out_stride + c] = Σ_k a(first_row + r, k) · w(c, k) for r < rows and c < 16 · groups,
   w the 16 · groups columns of `regrouped` (format `weight_format`, K = a->columns), with the
   row corrections computed here and `column_corrections` (from the function above) added. Fields
   of `a` past K are ignored. `scratch` holds qv_lookup_scratch_bytes() bytes, 32-byte aligned.
   Needs AVX2 and POPCNT. */
void qv_lookup_gemm_avx2(const qv_mb_codes *a, ptrdiff_t first_row, ptrdiff_t rows, const uint8_t *regrouped,
                         int32_t weight_format, ptrdiff_t groups, const int32_t *column_corrections,
                         uint8_t *scratch, int32_t *out, ptrdiff_t out_stride);

#ifdef __cplusplus
}
#endif
#endif
