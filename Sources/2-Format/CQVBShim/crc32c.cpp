// CRC-32C (Castagnoli): SSE4.2 `crc32` instructions when the CPU has them, else slicing-by-8
// tables. Both compute the reflected CRC with polynomial 0x82F63B78, initial and final XOR ~0.
#include "qvb_shim.h"
#include <string.h>

namespace {

constexpr uint32_t kPolynomial = 0x82F63B78u;

/// tables[k][b]: CRC contribution of byte b followed by k zero bytes.
struct SlicingTables {
    uint32_t tables[8][256];
    constexpr SlicingTables() : tables() {
        for (uint32_t b = 0; b < 256; ++b) {
            uint32_t crc = b;
            for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (kPolynomial & (0u - (crc & 1u)));
            tables[0][b] = crc;
        }
        for (uint32_t b = 0; b < 256; ++b) {
            for (int k = 1; k < 8; ++k) {
                uint32_t prev = tables[k - 1][b];
                tables[k][b] = (prev >> 8) ^ tables[0][prev & 0xFFu];
            }
        }
    }
};

constexpr SlicingTables kTables;

uint32_t crc_portable(const uint8_t *p, size_t n, uint32_t crc) {
    const auto &t = kTables.tables;
    while (n >= 8) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + 4, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        lo = __builtin_bswap32(lo);
        hi = __builtin_bswap32(hi);
#endif
        lo ^= crc;
        crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
              t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc_sse42(const uint8_t *p, size_t n, uint32_t crc) {
    uint64_t wide = crc;
    while (n >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        wide = __builtin_ia32_crc32di(wide, word);
        p += 8;
        n -= 8;
    }
    crc = static_cast<uint32_t>(wide);
    while (n--) crc = __builtin_ia32_crc32qi(crc, *p++);
    return crc;
}

bool has_sse42() {
    static const bool supported = __builtin_cpu_supports("sse4.2");
    return supported;
}
#endif

}  // namespace

extern "C" uint32_t qvb_crc32c_portable(const void *p, size_t n, uint32_t seed) {
    return ~crc_portable(static_cast<const uint8_t *>(p), n, ~seed);
}

extern "C" uint32_t qvb_crc32c(const void *p, size_t n, uint32_t seed) {
#if defined(__x86_64__)
    if (has_sse42()) return ~crc_sse42(static_cast<const uint8_t *>(p), n, ~seed);
#endif
    return qvb_crc32c_portable(p, n, seed);
}
