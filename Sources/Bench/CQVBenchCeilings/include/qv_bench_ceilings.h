#ifndef QV_BENCH_CEILINGS_H
#define QV_BENCH_CEILINGS_H
/* Compute-bound microbenchmarks for `qvc bench --kernels` (bench-only code, outside the runtime
   core): the FP32 FMA throughput ceiling, measured on L1-resident data in a register-blocked
   loop shaped like a GEMM micro-kernel (4 activation vectors × 4 weight vectors, 16 accumulators).
   Each function runs `rounds` rounds over the QV_CEILING_BUFFER_BYTES at `data`, stores a checksum
   in *checksum (so the work cannot be dropped) and returns 1; it returns 0 without doing anything
   if the CPU (qv_x86_features) lacks the instructions. */
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

enum {
    /* Bytes each function reads from `data` (64-byte aligned). */
    QV_CEILING_BUFFER_BYTES = 4096,
    /* FP32 multiply-adds per round of qv_ceiling_fma: 16 × vfmadd231ps zmm. */
    QV_CEILING_FMA_MACS = 16 * 16,
    /* FP32 multiply-adds per round of qv_ceiling_fma_avx2: 10 × vfmadd231ps ymm. */
    QV_CEILING_FMA_AVX2_MACS = 10 * 8
};

/* AVX-512 F: vfmadd231ps of 4 weight vectors by 4 broadcast activations. */
int qv_ceiling_fma(const void *data, uint64_t rounds, uint64_t *checksum);
/* The same on 256-bit vectors (AVX2 + FMA; 5 activations × 2 weight vectors, 10 accumulators,
   for AVX2's 16 registers): the ceiling of the AVX2 path's FP32 GEMM. */
int qv_ceiling_fma_avx2(const void *data, uint64_t rounds, uint64_t *checksum);

/* Int8 multiply-accumulate ceilings of the 2-/8-bit GEMM kernels: `iterations` rounds of
   independent dot-product instructions on L1-resident bytes; each returns the number of int8
   MACs it performed (the caller times it; the caller checks the CPU runs it). zmm vpdpbusd
   (AVX512-VNNI), ymm vpdpbusd (AVX-VNNI), and vpmaddubsw + vpmaddwd + vpaddd (AVX2). */
uint64_t qv_vnni_ceiling(uint64_t iterations);
uint64_t qv_avxvnni_ceiling(uint64_t iterations);
uint64_t qv_avx2_int8_ceiling(uint64_t iterations);
/* The 2-bit table-lookup ceiling (AVX2): vpshufb + vpaddb, 64 two-bit MACs each. */
uint64_t qv_avx2_lookup_ceiling(uint64_t iterations);

/* The ways AVX2 machines count bits, for the best-of ceiling of the AVX2 binary GEMM; each runs
   `iterations` rounds and returns the bits it combined and counted. Nibble-table lookups on
   nibble-split operands (vpxor + vpshufb + vpaddb, the AVX2 kernel's form); scalar popcnt on the
   integer pipes; both in one stream (8 lookup chains beside `scalar_chains` ∈ {2, 4, 6} popcnt
   chains); Harley–Seal carry-save adders over 16 vectors, one counted. Need AVX2 and POPCNT. */
uint64_t qv_avx2_nibble_popcount_ceiling(uint64_t iterations);
uint64_t qv_scalar_popcount_ceiling(uint64_t iterations);
uint64_t qv_avx2_nibble_and_scalar_popcount_ceiling(uint64_t iterations, int32_t scalar_chains);
uint64_t qv_avx2_harley_seal_ceiling(uint64_t iterations);

#ifdef __cplusplus
}
#endif
#endif
