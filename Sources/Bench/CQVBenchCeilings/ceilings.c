/* Throughput ceilings of FP32 FMA on zmm and on ymm registers (see qv_bench_ceilings.h).
   Every round reads 4 activation and 4 weight vectors from one of four 512-byte windows of the
   buffer (the empty asm makes the address opaque so no load or product is hoisted out of the
   loop) and updates 16 independent accumulators: enough chains to cover each instruction's
   latency, so the loop runs at the instruction's throughput. */
#include "qv_bench_ceilings.h"
#include "qv_x86.h"

#if defined(__x86_64__)
#include <immintrin.h>

/* Opaque address of the round's window. */
#define WINDOW(data, round) \
    const unsigned char *p = (const unsigned char *)(data) + (((round) & 3) << 9); \
    __asm__ volatile("" : "+r"(p))

/* Applies STEP(accumulator, a_i, w_j) to the 4 × 4 accumulator block. */
#define BLOCK(STEP) \
    STEP(c00, a0, w0); STEP(c01, a0, w1); STEP(c02, a0, w2); STEP(c03, a0, w3); \
    STEP(c10, a1, w0); STEP(c11, a1, w1); STEP(c12, a1, w2); STEP(c13, a1, w3); \
    STEP(c20, a2, w0); STEP(c21, a2, w1); STEP(c22, a2, w2); STEP(c23, a2, w3); \
    STEP(c30, a3, w0); STEP(c31, a3, w1); STEP(c32, a3, w2); STEP(c33, a3, w3)

#define LOAD_WEIGHTS \
    __m512i w0 = _mm512_load_si512(p + 256), w1 = _mm512_load_si512(p + 320); \
    __m512i w2 = _mm512_load_si512(p + 384), w3 = _mm512_load_si512(p + 448)

#define ZERO16(T, zero) \
    T c00 = zero, c01 = zero, c02 = zero, c03 = zero, c10 = zero, c11 = zero, c12 = zero, c13 = zero; \
    T c20 = zero, c21 = zero, c22 = zero, c23 = zero, c30 = zero, c31 = zero, c32 = zero, c33 = zero

#define SUM16(add) \
    add(add(add(add(c00, c01), add(c02, c03)), add(add(c10, c11), add(c12, c13))), \
        add(add(add(c20, c21), add(c22, c23)), add(add(c30, c31), add(c32, c33))))

#define FMA(c, a, w) c = _mm512_fmadd_ps(a, w, c)

__attribute__((target("avx512f,fma")))
static uint64_t fma_rounds(const void *data, uint64_t rounds) {
    ZERO16(__m512, _mm512_setzero_ps());
    for (uint64_t r = 0; r < rounds; r++) {
        WINDOW(data, r);
        const float *values = (const float *)p;
        __m512 a0 = _mm512_set1_ps(values[0]), a1 = _mm512_set1_ps(values[1]);
        __m512 a2 = _mm512_set1_ps(values[2]), a3 = _mm512_set1_ps(values[3]);
        __m512 w0 = _mm512_load_ps(p + 256), w1 = _mm512_load_ps(p + 320);
        __m512 w2 = _mm512_load_ps(p + 384), w3 = _mm512_load_ps(p + 448);
        BLOCK(FMA);
    }
    float sum = _mm512_reduce_add_ps(SUM16(_mm512_add_ps));
    uint32_t bits;
    __builtin_memcpy(&bits, &sum, sizeof bits);
    return bits;
}

/* AVX2 has 16 vector registers, not 32: 5 broadcast activations × 2 weight vectors, 10
   accumulators (more than FMA latency × throughput chains) plus 3 operands, so nothing spills. */
#define FMA_YMM_ROW(i) \
    a = _mm256_broadcast_ss(values + (i)); c##i##0 = _mm256_fmadd_ps(a, w0, c##i##0); c##i##1 = _mm256_fmadd_ps(a, w1, c##i##1)

__attribute__((target("avx2,fma")))
static uint64_t fma_rounds_avx2(const void *data, uint64_t rounds) {
    __m256 zero = _mm256_setzero_ps();
    __m256 c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero;
    for (uint64_t r = 0; r < rounds; r++) {
        WINDOW(data, r);
        const float *values = (const float *)p;
        __m256 w0 = _mm256_load_ps((const float *)(p + 256)), w1 = _mm256_load_ps((const float *)(p + 288)), a;
        FMA_YMM_ROW(0); FMA_YMM_ROW(1); FMA_YMM_ROW(2); FMA_YMM_ROW(3); FMA_YMM_ROW(4);
    }
    __m256 total = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c00, c01), _mm256_add_ps(c10, c11)),
                                 _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c20, c21), _mm256_add_ps(c30, c31)), _mm256_add_ps(c40, c41)));
    __m128 half = _mm_add_ps(_mm256_castps256_ps128(total), _mm256_extractf128_ps(total, 1));
    half = _mm_add_ps(half, _mm_movehl_ps(half, half));
    half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
    float sum = _mm_cvtss_f32(half);
    uint32_t bits;
    __builtin_memcpy(&bits, &sum, sizeof bits);
    return bits;
}

static int has(uint32_t features) { return (qv_x86_features() & features) == features; }

int qv_ceiling_fma(const void *data, uint64_t rounds, uint64_t *checksum) {
    if (!has(QV_X86_AVX512)) return 0;
    *checksum = fma_rounds(data, rounds);
    return 1;
}

int qv_ceiling_fma_avx2(const void *data, uint64_t rounds, uint64_t *checksum) {
    if (!has(QV_X86_AVX2)) return 0;
    *checksum = fma_rounds_avx2(data, rounds);
    return 1;
}

#else

int qv_ceiling_fma(const void *data, uint64_t rounds, uint64_t *checksum) { (void)data; (void)rounds; (void)checksum; return 0; }
int qv_ceiling_fma_avx2(const void *data, uint64_t rounds, uint64_t *checksum) { (void)data; (void)rounds; (void)checksum; return 0; }

#endif
