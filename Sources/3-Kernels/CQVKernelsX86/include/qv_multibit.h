#ifndef QV_MULTIBIT_H
#define QV_MULTIBIT_H
/* 2-/8-bit integer GEMM on x86-64: acc[m][n] = Σ_k a(m, k) · w(n, k) (wrapping int32).

   Codes are widened to bytes and multiplied by `vpdpbusd` (unsigned byte × signed byte, sums
   of four into int32, never saturating) or by an exact AVX2 emulation of it. Activations become
   the unsigned operand a' = a + ba and weights the signed one w' = w + bw, where
       ba = 2 for s2, 128 for s8, 0 for u2/u8;   bw = -128 for u8, 0 otherwise,
   so that Σ a·w = Σ a'·w' − bw·Σ a' − ba·Σ w' + K·ba·bw. The preparation functions return the
   row and column corrections (the last three terms); the kernels add them to the raw sums. All
   arithmetic wraps mod 2^32 exactly like the scalar reference, so results are bit-identical.

   Layouts:
   - prepared activations: one row of `qv_mb_prepared_stride(K)` unsigned bytes per row, codes
     in natural order, zero past K;
   - a weight panel of `groups` × 16 columns: for each step s (k = 4s ... 4s+3) in turn, for each
     column c, the 4 signed bytes w'(c, 4s ... 4s+3); zero past K and for missing columns. It
     holds `qv_mb_panel_steps(K)` steps and is read 64-byte aligned.
   The preparation functions need AVX2 (or more, where said); each kernel needs its own
   extension (see below). Only the three size helpers exist on other architectures. */
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/* Stored code formats (QuantFormat: s2, u2, s8, u8). */
enum {
    QV_MB_S2 = 0,
    QV_MB_U2 = 1,
    QV_MB_S8 = 2,
    QV_MB_U8 = 3
};

/* Packed rows of codes, as PackedMatrix describes them. */
typedef struct {
    const uint8_t *base;
    ptrdiff_t rows;
    ptrdiff_t columns;      /* K */
    ptrdiff_t row_stride;   /* bytes, a multiple of 16 holding ceil(K · bits / 8) bytes */
    int32_t format;         /* QV_MB_* */
} qv_mb_codes;

/* Bytes per prepared activation row: K rounded up to 32. */
ptrdiff_t qv_mb_prepared_stride(ptrdiff_t columns);

/* Steps (of 4 codes) a weight panel holds: K rounded up to 64, over 4. */
ptrdiff_t qv_mb_panel_steps(ptrdiff_t columns);

/* Steps the kernels run: ceil(K / 4). */
ptrdiff_t qv_mb_kernel_steps(ptrdiff_t columns);

/* Prepares every row of `a` (to be multiplied by weights of `weight_format`) into `prepared`
   (rows × qv_mb_prepared_stride(K) bytes) and writes row_corrections[m] = −bw·Σ_k a'(m, k). */
void qv_mb_prepare_activations(const qv_mb_codes *a, int32_t weight_format,
                               uint8_t *prepared, int32_t *row_corrections);

/* Packs weight rows first ... first + count − 1 (count ≤ 16 · groups) of `w` (to be multiplied by
   activations of `activation_format`) into a panel of `groups` column groups, and writes
   column_corrections[c] = −ba·Σ_k w'(c, k) + K·ba·bw for its 16 · groups columns (zero for
   missing ones). `panel` is 64-byte aligned, qv_mb_panel_steps(K) · groups · 64 bytes. */
void qv_mb_pack_weights(const qv_mb_codes *w, ptrdiff_t first, ptrdiff_t count, ptrdiff_t groups,
                        int32_t activation_format, int8_t *panel, int32_t *column_corrections);
/* A pointer to either packer. */
typedef void (*qv_mb_pack_function)(const qv_mb_codes *w, ptrdiff_t first, ptrdiff_t count, ptrdiff_t groups,
                                    int32_t activation_format, int8_t *panel, int32_t *column_corrections);

/* qv_mb_pack_weights with AVX-512 F/BW/VL + AVX512-VNNI, 64 codes of 16 columns at a time. */
void qv_mb_pack_weights_avx512(const qv_mb_codes *w, ptrdiff_t first, ptrdiff_t count, ptrdiff_t groups,
                               int32_t activation_format, int8_t *panel, int32_t *column_corrections);

/* Bytes of `rows` 2-bit weight rows of K = `columns` regrouped by qv_mb_regroup_weights. */
ptrdiff_t qv_mb_regrouped_bytes(ptrdiff_t rows, ptrdiff_t columns);

/* Regroups 2-bit weight rows (done once per model) so that what one panel step of 16 columns
   needs is adjacent: byte (g · qv_mb_panel_steps(K) + s) · 16 + c holds stored byte s of row
   16g + c — the fields of codes 4s ... 4s+3. Fields past K and rows past the end hold the
   field of code 0. Plain C. */
void qv_mb_regroup_weights(const qv_mb_codes *w, uint8_t *out);

/* qv_mb_pack_weights_avx512 for rows 16·first_group ... of weights regrouped by
   qv_mb_regroup_weights (`format`, K = `columns`): widening only, no transposition. */
void qv_mb_pack_regrouped_avx512(const uint8_t *regrouped, int32_t format, ptrdiff_t columns, ptrdiff_t first_group,
                                 ptrdiff_t count, ptrdiff_t groups, int32_t activation_format, int8_t *panel,
                                 int32_t *column_corrections);

/* out[m · out_stride + c] = Σ_s a'(m, 4s ... 4s+3) · panel(s, c) + row_corrections[m]
   + column_corrections[c], for m < rows, c < 16 · groups (groups 1 ... 4), s < steps. `a` holds
   `rows` prepared rows `a_stride` bytes apart. */
typedef void qv_mb_kernel(const uint8_t *a, ptrdiff_t a_stride, ptrdiff_t rows,
                          const int8_t *panel, ptrdiff_t groups, ptrdiff_t steps,
                          const int32_t *row_corrections, const int32_t *column_corrections,
                          int32_t *out, ptrdiff_t out_stride);
/* A pointer to one of the kernels below. */
typedef qv_mb_kernel *qv_mb_kernel_pointer;

/* AVX-512 F/BW/VL + AVX512-VNNI, zmm `vpdpbusd`. */
qv_mb_kernel qv_mb_kernel_avx512vnni;
/* AVX2 + AVX-VNNI, ymm `vpdpbusd`. */
qv_mb_kernel qv_mb_kernel_avxvnni;
/* AVX2 without VNNI: `vpmaddubsw` + `vpmaddwd`. Exact only while no int16 pair sum saturates,
   i.e. when at least one operand is 2-bit (|pair| ≤ 2 · 255 · 3). */
qv_mb_kernel qv_mb_kernel_avx2;
/* AVX2 without VNNI for 8-bit × 8-bit: the unsigned bytes are split into nibbles so that pair
   sums stay within int16 (2 · 15 · 128), then recombined exactly in int32. */
qv_mb_kernel qv_mb_kernel_avx2_nibbles;

#ifdef __cplusplus
}
#endif
#endif
