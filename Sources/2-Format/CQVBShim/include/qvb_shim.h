#ifndef QVB_SHIM_H
#define QVB_SHIM_H
// Plain C API over the C++ parts of the .qvb format: the flatc-generated FlatBuffers verifier and
// a CRC-32C. Swift (QVFormat) imports only this header; no C++ type crosses it.
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

/// Runs the FlatBuffers verifier for the qv.fb.Model schema (formats/qvb.fbs) over `buf`, which
/// must also carry the file identifier "QVB1". Returns 1 if the buffer is well-formed, else 0.
/// Safe on any input: every offset, length and alignment is checked before it is followed.
/// Buffers of 2 GiB or more (beyond FlatBuffers' 32-bit offsets) are reported as invalid.
int qvb_verify(const uint8_t *buf, size_t len);

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of `n` bytes at `p`, continuing from
/// `seed`: pass 0 to start, or a previous result to extend it (crc(a‖b) = crc(b, seed: crc(a))).
/// Uses the SSE4.2 `crc32` instruction when the CPU has it, a table otherwise.
uint32_t qvb_crc32c(const void *p, size_t n, uint32_t seed);

/// The same CRC-32C computed with the portable table, whatever the CPU offers
/// (lets tests compare the hardware path against it).
uint32_t qvb_crc32c_portable(const void *p, size_t n, uint32_t seed);

#ifdef __cplusplus
}
#endif
#endif
