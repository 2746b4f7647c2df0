#ifndef QV_BINARY_H
#define QV_BINARY_H
/* 1-bit GEMM popcount counts on x86-64 AVX2: count(m, n) = popcount(combine(a_m, w_n)) over the
   64-bit words of a row, combine being XOR (±1 × ±1: the dot product is K − 2·count) or AND
   ({0,1} × ±1: 2·count − popcount(a)).

   AVX2 has no vector popcount. A byte's count is the sum of its two nibbles' counts, looked up
   by `vpshufb` in a 16-entry table, and combining commutes with splitting a word into nibbles:
   lo(a) ^ lo(w) = lo(a ^ w). So the weights of a tile are split into low and high nibble words
   once (in L1, reused by every activation panel), the activation panels once per call, and each
   256 bits then cost two combines, two lookups and two byte adds — no shift or mask on
   the hot path, and `vpsadbw` only once per 31 words (a byte gains ≤ 8 per word). */
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

enum {
    QV_BINARY_XOR = 0,
    QV_BINARY_AND = 1
};

/* counts[m · count_stride + n] = popcount over the row of combine(a_m, w_n), for the 8 ·
   panel_count activation rows m and the weight rows n < weight_rows rounded up to 4 (columns
   past weight_rows repeat the last weight row).
   - panels: panel_count 8-row panels of `words` words (word j of panel p is 8 contiguous
     words at (p · words + j) · 8, lane i = row 8p + i); bits past K zero.
   - weights: weight_rows ≥ 1 rows weight_stride bytes apart, each `words` readable little-endian
     64-bit words; bits of word words − 1 outside last_word_mask are ignored.
   - scratch: qv_binary_scratch_bytes_avx2(panel_count, words) bytes, for the panels' nibbles.
   Needs AVX2. */
void qv_binary_counts_avx2(int32_t combine, const uint64_t *panels, ptrdiff_t panel_count, ptrdiff_t words,
                           const uint8_t *weights, ptrdiff_t weight_stride, ptrdiff_t weight_rows,
                           uint64_t last_word_mask, uint64_t *scratch, int32_t *counts, ptrdiff_t count_stride);

/* Bytes of scratch qv_binary_counts_avx2 needs for panel_count panels of `words` words. */
ptrdiff_t qv_binary_scratch_bytes_avx2(ptrdiff_t panel_count, ptrdiff_t words);

#ifdef __cplusplus
}
#endif
#endif
