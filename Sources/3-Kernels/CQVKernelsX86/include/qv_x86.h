#ifndef QV_X86_H
#define QV_X86_H
/* x86-64 CPU features for run-time kernel dispatch (and, later, intrinsic kernels).
   On other architectures every query reports no features. */
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

enum {
    QV_X86_POPCNT = 1u << 0,
    QV_X86_AVX2 = 1u << 1,        /* with FMA, BMI2 and OS-enabled YMM state */
    QV_X86_AVX512 = 1u << 2,      /* F + BW + VL + DQ with OS-enabled ZMM state */
    QV_X86_AVX512_VPOPCNTDQ = 1u << 3,
    QV_X86_AVX512_VNNI = 1u << 4,
    QV_X86_AVX_VNNI = 1u << 5,
    QV_X86_AMX_INT8 = 1u << 6     /* AMX-TILE + AMX-INT8 with OS-enabled tile state */
};

/* The features of the running CPU and OS, as a mask of QV_X86_* bits (cached after the first call). */
uint32_t qv_x86_features(void);

#ifdef __cplusplus
}
#endif
#endif
