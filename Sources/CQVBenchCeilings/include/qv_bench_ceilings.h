#ifndef QV_BENCH_CEILINGS_H
#define QV_BENCH_CEILINGS_H
/* Compute-bound microbenchmark for `qvc bench --kernels`: the FP32 FMA throughput ceiling (the
   integer kernels' ceilings come from QVKernels itself), measured on L1-resident data in a register-blocked
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
    QV_CEILING_FMA_MACS = 16 * 16
};

/* AVX-512 F: vfmadd231ps of 4 weight vectors by 4 broadcast activations. */
int qv_ceiling_fma(const void *data, uint64_t rounds, uint64_t *checksum);

#ifdef __cplusplus
}
#endif
#endif
