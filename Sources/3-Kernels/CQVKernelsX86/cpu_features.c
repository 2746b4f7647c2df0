/* CPUID / XGETBV probing: which vector extensions the CPU has *and* the OS saves. */
#include "qv_x86.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static uint32_t probe(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    uint32_t f = 0;
    if (c & bit_POPCNT) f |= QV_X86_POPCNT;
    int osxsave = (c & bit_OSXSAVE) != 0, fma = (c & bit_FMA) != 0;
    uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    int ymm = (xcr0 & 0x6) == 0x6, zmm = (xcr0 & 0xE6) == 0xE6, tiles = (xcr0 & 0x60000) == 0x60000;
    unsigned b7 = 0, c7 = 0, d7 = 0, a71 = 0, t;
    if (__get_cpuid_max(0, 0) >= 7) {
        __cpuid_count(7, 0, t, b7, c7, d7);
        __cpuid_count(7, 1, a71, t, t, t);
    }
    if (ymm && fma && (b7 & bit_AVX2) && (b7 & bit_BMI2)) f |= QV_X86_AVX2;
    if (ymm && (a71 & (1u << 4))) f |= QV_X86_AVX_VNNI;
    if (zmm && (f & QV_X86_AVX2) && (b7 & bit_AVX512F) && (b7 & bit_AVX512BW) && (b7 & bit_AVX512VL) && (b7 & bit_AVX512DQ)) {
        f |= QV_X86_AVX512;
        if (c7 & bit_AVX512VPOPCNTDQ) f |= QV_X86_AVX512_VPOPCNTDQ;
        if (c7 & bit_AVX512VNNI) f |= QV_X86_AVX512_VNNI;
    }
    if (tiles && (d7 & (1u << 24)) && (d7 & (1u << 25))) f |= QV_X86_AMX_INT8;
    return f;
}
#else
static uint32_t probe(void) { return 0; }
#endif

uint32_t qv_x86_features(void) {
    static uint32_t cached = 0xFFFFFFFFu;
    if (cached == 0xFFFFFFFFu) cached = probe();
    return cached;
}
