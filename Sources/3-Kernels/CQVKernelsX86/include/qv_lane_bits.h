#ifndef QV_LANE_BITS_H
#define QV_LANE_BITS_H
/* Lane masks as integers (and one conversion), for the Swift ISA modules (QVKernelsAVX512, QVKernelsAVX2): Swift's
   SIMD types have no instruction for "one bit per lane". These are static inline so each
   importing Swift module compiles them with its own -m flags and the optimiser inlines them
   into its row kernels; a Swift SIMD16<Int32> arrives as `qv_lanes16`. Only the branch
   matching the importer's flags is compiled. */
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>

typedef int32_t qv_lanes16 __attribute__((ext_vector_type(16)));
typedef float qv_floats16 __attribute__((ext_vector_type(16)));

/* Int32 lanes to Float, rounding to nearest (vcvtdq2ps): Swift's generic SIMD conversion is not
   always inlined. */
static inline __attribute__((always_inline)) qv_floats16 qv_lane_floats(qv_lanes16 lanes) {
    return __builtin_convertvector(lanes, qv_floats16);
}

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__BMI2__)
/* Bit i = sign bit of lane i (true lanes of a Swift mask are all ones): one vpmovd2m. */
static inline __attribute__((always_inline)) uint16_t qv_lane_bits(qv_lanes16 lanes) {
    return (uint16_t)_mm512_movepi32_mask((__m512i)lanes);
}

/* Bit i of low at bit 2i, bit i of high at bit 2i+1: two pdep (fast on every AVX-512 CPU). */
static inline __attribute__((always_inline)) uint32_t qv_interleave_bits(uint16_t low, uint16_t high) {
    return _pdep_u32(low, 0x55555555u) | _pdep_u32(high, 0xAAAAAAAAu);
}
#elif defined(__AVX2__)
/* Bit i = sign bit of lane i: vmovmskps on each 256-bit half. */
static inline __attribute__((always_inline)) uint16_t qv_lane_bits(qv_lanes16 lanes) {
    typedef int32_t lanes8 __attribute__((ext_vector_type(8)));
    lanes8 low = __builtin_shufflevector(lanes, lanes, 0, 1, 2, 3, 4, 5, 6, 7);
    lanes8 high = __builtin_shufflevector(lanes, lanes, 8, 9, 10, 11, 12, 13, 14, 15);
    unsigned l = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps((__m256i)low));
    unsigned h = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps((__m256i)high));
    return (uint16_t)(l | (h << 8));
}

/* Bit i of low at bit 2i, bit i of high at bit 2i+1, by shifts (pdep is slow on some AVX2 CPUs). */
static inline __attribute__((always_inline)) uint32_t qv_spread_bits(uint16_t v) {
    uint32_t x = v;
    x = (x | (x << 8)) & 0x00FF00FFu;
    x = (x | (x << 4)) & 0x0F0F0F0Fu;
    x = (x | (x << 2)) & 0x33333333u;
    return (x | (x << 1)) & 0x55555555u;
}
static inline __attribute__((always_inline)) uint32_t qv_interleave_bits(uint16_t low, uint16_t high) {
    return qv_spread_bits(low) | (qv_spread_bits(high) << 1);
}
#endif
#endif
#endif
