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

/* 2-bit × 2-bit GEMM by table lookup (T-MAC's idea), ARMv8.0 NEON (`tbl`): for packed 2-bit rows
   of K = `columns` codes, four a byte from the low bits up, stored as unsigned fields f ∈ {0…3}
   with code f − c (c = 2 for s2, 0 for u2: `a_offset`, `w_offset`),
       out[r · out_stride + n] = Σ_k a(r, k) · w(n, k) = Σ fa·fw − cw·Σ fa − ca·Σ fw + K·ca·cw
   (wrapping int32) for r < rows and n < 16 · groups. Each nibble of an activation row — two fields
   (f0, f1) — selects the 16-byte table t[i] = f0·(i & 3) + f1·(i >> 2) of its dot products with
   every nibble i of weight fields; `tbl` looks 16 weight nibbles up at once (32 multiply-adds),
   8-bit lanes sum 7 steps, 16-bit lanes a block of 126, then int32.
   Weights are regrouped first: qv_neon_lookup_regroup writes, for each group of 16 weight rows and
   step s of 4 codes, 16 adjacent bytes (byte s of each row; zero for rows past `rows`) — the
   ceil(K / 4) · 16 · ceil(rows / 16) bytes `regrouped` points to — and each row's Σ_k<K of
   fields into `field_sums` (16 · groups entries). Fields of either operand past K are ignored.
   `scratch` holds qv_neon_lookup_scratch_bytes() bytes. */
ptrdiff_t qv_neon_lookup_scratch_bytes(void);
void qv_neon_lookup_regroup(const uint8_t *w, ptrdiff_t w_stride, ptrdiff_t rows, ptrdiff_t columns,
                            uint8_t *regrouped, uint32_t *field_sums);
void qv_neon_lookup_s2(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t rows, ptrdiff_t columns, uint32_t a_offset,
                       const uint8_t *regrouped, ptrdiff_t groups, uint32_t w_offset, const uint32_t *w_field_sums,
                       uint8_t *scratch, int32_t *out, ptrdiff_t out_stride);

#ifdef __cplusplus
}
#endif
#endif
