/* Int8 multiply-accumulate ceilings: twelve independent accumulator chains fed every round by
   vectors reloaded from a small (L1-resident) buffer on the stack, the way a GEMM tile reuses
   its operands. The accumulators start distinct so no chain can be merged with another, and
   their sum is kept alive by an empty asm statement so none can be dropped. No global state:
   safe to call from several threads. */
#include "qv_bench_ceilings.h"
#include <stddef.h>

#if defined(__x86_64__)
#include <immintrin.h>

enum { CHAINS = 12, OPERAND_BYTES = 2048 };

/* Fills the operands; the compiler must then treat them as unknown bytes. */
static void fill(uint8_t *operands) {
    for (int i = 0; i < OPERAND_BYTES; i++) operands[i] = (uint8_t)(i * 37 + 11);
    __asm__ volatile("" : : "r"(operands) : "memory");
}

/* The byte offset of round r's operands (cycling through the buffer). */
static inline ptrdiff_t offset(uint64_t r, ptrdiff_t vector_bytes) {
    return (ptrdiff_t)(r % (OPERAND_BYTES / (2 * vector_bytes))) * 2 * vector_bytes;
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) uint64_t qv_vnni_ceiling(uint64_t iterations) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    __m512i acc[CHAINS];
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_set1_epi32(c);
    for (uint64_t r = 0; r < iterations; r++) {
        const uint8_t *p = operands + offset(r, 64);
        __m512i x = _mm512_load_si512((const void *)p), y = _mm512_load_si512((const void *)(p + 64));
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm512_dpbusd_epi32(acc[c], x, y);
    }
    __m512i total = acc[0];
    for (int c = 1; c < CHAINS; c++) total = _mm512_add_epi32(total, acc[c]);
    __asm__ volatile("" : : "v"(total));
    return iterations * CHAINS * 64;
}

__attribute__((target("avx2,avxvnni"))) uint64_t qv_avxvnni_ceiling(uint64_t iterations) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    __m256i acc[CHAINS];
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_epi32(c);
    for (uint64_t r = 0; r < iterations; r++) {
        const uint8_t *p = operands + offset(r, 32);
        __m256i x = _mm256_load_si256((const __m256i *)p), y = _mm256_load_si256((const __m256i *)(p + 32));
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_dpbusd_avx_epi32(acc[c], x, y);
    }
    __m256i total = acc[0];
    for (int c = 1; c < CHAINS; c++) total = _mm256_add_epi32(total, acc[c]);
    __asm__ volatile("" : : "x"(total));
    return iterations * CHAINS * 32;
}

/* Without VNNI each chain needs its own product (a shared one would be computed once), so each
   chain reloads its own first operand. */
__attribute__((target("avx2"))) uint64_t qv_avx2_int8_ceiling(uint64_t iterations) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc[CHAINS];
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_epi32(c);
    for (uint64_t r = 0; r < iterations; r++) {
        const uint8_t *p = operands + (r % 4) * 512;
        __m256i y = _mm256_load_si256((const __m256i *)(p + 32 * CHAINS));
        for (int c = 0; c < CHAINS; c++) {
            __m256i x = _mm256_load_si256((const __m256i *)(p + 32 * c));
            acc[c] = _mm256_add_epi32(acc[c], _mm256_madd_epi16(_mm256_maddubs_epi16(x, y), ones));
        }
    }
    __m256i total = acc[0];
    for (int c = 1; c < CHAINS; c++) total = _mm256_add_epi32(total, acc[c]);
    __asm__ volatile("" : : "x"(total));
    return iterations * CHAINS * 32;
}

/* The table lookup of the AVX2 2-bit GEMM (lookup_avx2.c): each chain looks one shared vector
   of weight nibbles up in its own table reloaded from L1 (vpshufb) and adds the bytes (vpaddb).
   One lookup of 32 nibbles covers 2 codes each: 64 multiply-adds. */
__attribute__((target("avx2"))) uint64_t qv_avx2_lookup_ceiling(uint64_t iterations) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    __m256i acc[CHAINS];
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_epi8((char)c);
    for (uint64_t r = 0; r < iterations; r++) {
        const uint8_t *p = operands + (r % 4) * 512;
        __m256i indices = _mm256_and_si256(_mm256_load_si256((const __m256i *)(p + 32 * CHAINS)), nibble);
        for (int c = 0; c < CHAINS; c++)
            acc[c] = _mm256_add_epi8(acc[c], _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)(p + 32 * c)), indices));
    }
    __m256i total = acc[0];
    for (int c = 1; c < CHAINS; c++) total = _mm256_add_epi8(total, acc[c]);
    __asm__ volatile("" : : "x"(total));
    return iterations * CHAINS * 64;
}
#endif
