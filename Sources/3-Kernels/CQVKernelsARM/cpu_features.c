/* ARM64 feature probing: DotProd from the Linux auxiliary vector (always present on Apple silicon). */
#include "qv_arm.h"

#if defined(__aarch64__) && defined(__APPLE__)
static uint32_t probe(void) { return QV_ARM_DOTPROD; }
#elif defined(__aarch64__)
/* glibc's getauxval, declared here so the file also builds against a freestanding header set
   (the Embedded-Swift triple aarch64-none-none-elf); weak, so a C library without it reads as
   "no features" instead of failing to link. */
extern unsigned long getauxval(unsigned long type) __attribute__((weak));
enum { AUX_HWCAP = 16, HWCAP_ASIMDDP = 1ul << 20 };

static uint32_t probe(void) {
    if (!getauxval) return 0;
    return (getauxval(AUX_HWCAP) & HWCAP_ASIMDDP) ? QV_ARM_DOTPROD : 0;
}
#else
static uint32_t probe(void) { return 0; }
#endif

uint32_t qv_arm_features(void) {
    static uint32_t cached = 0xFFFFFFFFu;
    if (cached == 0xFFFFFFFFu) cached = probe();
    return cached;
}
