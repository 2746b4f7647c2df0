/* The ways AVX2 machines can count bits, each as its tightest loop on L1-resident operands, for
   the honest ceiling of the AVX2 binary GEMM (the best of them: a kernel above it means a way
   is missing here). Each returns the bits it combined and counted (binary multiply-accumulates);
   its counts are kept alive by empty asm statements, the operands are opaque to the compiler and
   reloaded from a small buffer on the stack every round, as a GEMM tile reloads its operands.
   No global state: safe to call from several threads. */
#include "qv_bench_ceilings.h"
#include <stddef.h>

#if defined(__x86_64__)
#include <immintrin.h>

enum { OPERAND_BYTES = 2048, WINDOWS = 4, WINDOW_BYTES = OPERAND_BYTES / WINDOWS };

/* Fills the operands with nibbles (the lookup methods' operands are nibbles, each in the low half
   of its byte); the compiler must then treat them as unknown bytes. */
static void fill(uint8_t *operands) {
    for (int i = 0; i < OPERAND_BYTES; i++) operands[i] = (uint8_t)((i * 37 + 11) & 0x0F);
    __asm__ volatile("" : : "r"(operands) : "memory");
}

/* Round r's window of the buffer, its address opaque so nothing is hoisted out of the loop. */
static inline const uint8_t *window(const uint8_t *operands, uint64_t r) {
    const uint8_t *p = operands + (r % WINDOWS) * WINDOW_BYTES;
    __asm__ volatile("" : "+r"(p));
    return p;
}

#define AVX2 __attribute__((target("avx2,popcnt")))
#define NIBBLE_TABLE _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4)

/* The lookup form of the AVX2 kernel (binary_avx2.c): for each of `chains` weight words
   (broadcast, low and high nibbles), combine with the round's two activation nibble vectors, look
   both up and add the counts: 2 × (vpxor, vpshufb, vpaddb) per 256 bits. */
#define LOOKUP_CHAINS 8
#define LOOKUP_STEP(c)                                                                                          \
    do {                                                                                                        \
        const __m256i wl = _mm256_set1_epi64x(words[2 * (c)]), wh = _mm256_set1_epi64x(words[2 * (c) + 1]); \
        bytes[c] = _mm256_add_epi8(bytes[c], _mm256_shuffle_epi8(table, _mm256_xor_si256(al, wl)));           \
        bytes[c] = _mm256_add_epi8(bytes[c], _mm256_shuffle_epi8(table, _mm256_xor_si256(ah, wh)));           \
    } while (0)

/* Scalar popcnt on the integer pipes: xor + popcnt + add per 64 bits (popcnt written out, so the
   compiler cannot turn the chains into vector code, which would be another method). */
static inline __attribute__((always_inline)) uint64_t scalar_popcount(uint64_t x) {
    uint64_t count;
    __asm__("popcnt %1, %0" : "=r"(count) : "r"(x));
    return count;
}
#define SCALAR_STEP(c) counts[c] += scalar_popcount(scalars[c] ^ pattern[(c) & 1])

/* Two weight words in registers (opaque, so not rematerialised as constants), each reused by
   half of the chains as a GEMM tile reuses a weight word; and distinct starting counts. */
#define SCALAR_STATE                                                                        \
    uint64_t counts[SCALAR_CHAINS], pattern[2] = {0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full}; \
    __asm__ volatile("" : "+r"(pattern[0]), "+r"(pattern[1]));                            \
    for (int c = 0; c < SCALAR_CHAINS; c++) counts[c] = (uint64_t)c

AVX2 uint64_t qv_avx2_nibble_popcount_ceiling(uint64_t iterations) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    const __m256i table = NIBBLE_TABLE;
    __m256i bytes[LOOKUP_CHAINS];
    for (int c = 0; c < LOOKUP_CHAINS; c++) bytes[c] = _mm256_set1_epi8((char)c);
    for (uint64_t r = 0; r < iterations; r++) {
        const uint8_t *p = window(operands, r);
        const __m256i al = _mm256_load_si256((const __m256i *)p), ah = _mm256_load_si256((const __m256i *)(p + 32));
        const long long *words = (const long long *)(p + 64);
        for (int c = 0; c < LOOKUP_CHAINS; c++) LOOKUP_STEP(c);
    }
    __m256i total = bytes[0];
    for (int c = 1; c < LOOKUP_CHAINS; c++) total = _mm256_add_epi8(total, bytes[c]);
    __asm__ volatile("" : : "x"(total));
    return iterations * LOOKUP_CHAINS * 256;
}

#define SCALAR_CHAINS 6

AVX2 uint64_t qv_scalar_popcount_ceiling(uint64_t iterations) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    SCALAR_STATE;
    for (uint64_t r = 0; r < iterations; r++) {
        const uint64_t *scalars = (const uint64_t *)window(operands, r);
        for (int c = 0; c < SCALAR_CHAINS; c++) SCALAR_STEP(c);
    }
    uint64_t total = 0;
    for (int c = 0; c < SCALAR_CHAINS; c++) total += counts[c];
    __asm__ volatile("" : : "r"(total));
    return iterations * SCALAR_CHAINS * 64;
}

/* Both at once: the lookup chains on the vector pipes and `scalar_chains` popcnt chains on the
   integer pipes, in one instruction stream. */
AVX2 static inline __attribute__((always_inline)) uint64_t lookup_and_scalar(uint64_t iterations, int scalar_chains) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    const __m256i table = NIBBLE_TABLE;
    __m256i bytes[LOOKUP_CHAINS];
    for (int c = 0; c < LOOKUP_CHAINS; c++) bytes[c] = _mm256_set1_epi8((char)c);
    SCALAR_STATE;
    for (uint64_t r = 0; r < iterations; r++) {
        const uint8_t *p = window(operands, r);
        const __m256i al = _mm256_load_si256((const __m256i *)p), ah = _mm256_load_si256((const __m256i *)(p + 32));
        const long long *words = (const long long *)(p + 64);
        const uint64_t *scalars = (const uint64_t *)(p + 256);
        for (int c = 0; c < LOOKUP_CHAINS; c++) LOOKUP_STEP(c);
        for (int c = 0; c < scalar_chains; c++) SCALAR_STEP(c);
    }
    __m256i total = bytes[0];
    for (int c = 1; c < LOOKUP_CHAINS; c++) total = _mm256_add_epi8(total, bytes[c]);
    uint64_t sum = 0;
    for (int c = 0; c < scalar_chains; c++) sum += counts[c];
    __asm__ volatile("" : : "x"(total), "r"(sum));
    return iterations * (LOOKUP_CHAINS * 256 + (uint64_t)scalar_chains * 64);
}

AVX2 uint64_t qv_avx2_nibble_and_scalar_popcount_ceiling(uint64_t iterations, int32_t scalar_chains) {
    switch (scalar_chains) {
    case 2: return lookup_and_scalar(iterations, 2);
    case 4: return lookup_and_scalar(iterations, 4);
    default: return lookup_and_scalar(iterations, 6);
    }
}

/* Harley–Seal: carry-save adders reduce 16 combined vectors to one of "sixteens" (and running
   ones/twos/fours/eights), so only one vector in 16 is counted (nibble lookups + vpsadbw). */
#define CSA(high, low, a, b, c)                                                          \
    do {                                                                                 \
        const __m256i u = _mm256_xor_si256(a, b);                                        \
        high = _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(u, c));          \
        low = _mm256_xor_si256(u, c);                                                    \
    } while (0)
#define IN(i) _mm256_xor_si256(_mm256_load_si256((const __m256i *)(p + 32 * (i))), w)

/* Adds 8 combined vectors at p into the running ones, twos and fours; returns the eights carried out. */
static inline __attribute__((always_inline)) AVX2 __m256i add_eight(__m256i *ones, __m256i *twos, __m256i *fours,
                                                                     const uint8_t *p, __m256i w) {
    __m256i twos_a, twos_b, fours_a, fours_b, eights;
    CSA(twos_a, *ones, *ones, IN(0), IN(1));
    CSA(twos_b, *ones, *ones, IN(2), IN(3));
    CSA(fours_a, *twos, *twos, twos_a, twos_b);
    CSA(twos_a, *ones, *ones, IN(4), IN(5));
    CSA(twos_b, *ones, *ones, IN(6), IN(7));
    CSA(fours_b, *twos, *twos, twos_a, twos_b);
    CSA(eights, *fours, *fours, fours_a, fours_b);
    return eights;
}

AVX2 uint64_t qv_avx2_harley_seal_ceiling(uint64_t iterations) {
    uint8_t operands[OPERAND_BYTES] __attribute__((aligned(64)));
    fill(operands);
    const __m256i table = NIBBLE_TABLE, mask = _mm256_set1_epi8(0x0F);
    __m256i ones = _mm256_setzero_si256(), twos = ones, fours = ones, eights = ones, total = ones;
    __m256i w = _mm256_set1_epi64x(0x0123456789ABCDEFll);
    for (uint64_t r = 0; r < iterations; r++) {
        const uint8_t *p = window(operands, r);
        const __m256i eights_a = add_eight(&ones, &twos, &fours, p, w);
        const __m256i eights_b = add_eight(&ones, &twos, &fours, p + 32 * 8, w);
        __m256i sixteens;
        CSA(sixteens, eights, eights, eights_a, eights_b);
        const __m256i low = _mm256_shuffle_epi8(table, _mm256_and_si256(sixteens, mask));
        const __m256i high = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(sixteens, 4), mask));
        total = _mm256_add_epi64(total, _mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256()));
        w = _mm256_add_epi64(w, _mm256_set1_epi64x(1));
    }
    __asm__ volatile("" : : "x"(total), "x"(ones), "x"(twos), "x"(fours), "x"(eights));
    return iterations * 16 * 256;
}
#endif
