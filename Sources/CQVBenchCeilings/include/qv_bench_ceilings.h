#ifndef QV_BENCH_CEILINGS_H
#define QV_BENCH_CEILINGS_H
/* Compute-bound microbenchmarks for `qvc bench --kernels`: the throughput ceiling of the
   instruction each kernel family is built on, measured on L1-resident data in a register-blocked
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
    /* Binary multiply-adds per round of qv_ceiling_xor_popcount: 16 × (vpxorq, vpopcntq, vpaddq) on 512 bits. */
    QV_CEILING_XOR_POPCOUNT_MACS = 16 * 512,
    /* u8×s8 multiply-adds per round of qv_ceiling_dpbusd: 16 × vpdpbusd zmm. */
    QV_CEILING_DPBUSD_MACS = 16 * 64,
    /* FP32 multiply-adds per round of qv_ceiling_fma: 16 × vfmadd231ps zmm. */
    QV_CEILING_FMA_MACS = 16 * 16
};

/* AVX-512 F/BW + VPOPCNTDQ: XOR, popcount, add. */
int qv_ceiling_xor_popcount(const void *data, uint64_t rounds, uint64_t *checksum);
/* AVX-512 F/BW + VNNI: vpdpbusd of 4 weight vectors by 4 broadcast activation words. */
int qv_ceiling_dpbusd(const void *data, uint64_t rounds, uint64_t *checksum);
/* AVX-512 F: vfmadd231ps of 4 weight vectors by 4 broadcast activations. */
int qv_ceiling_fma(const void *data, uint64_t rounds, uint64_t *checksum);

#ifdef __cplusplus
}
#endif
#endif
