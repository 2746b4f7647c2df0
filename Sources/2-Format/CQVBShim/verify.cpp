// qvb_verify: the flatc-generated FlatBuffers verifier for formats/qvb.fbs behind a C function.
#include "qvb_shim.h"
#include "qvb_generated.h"

#include <cstdlib>
#include <cstring>
#include <memory>

extern "C" int qvb_verify(const uint8_t *buf, size_t len) {
    // The verifier asserts on buffers of FLATBUFFERS_MAX_BUFFER_SIZE or more; refuse them here.
    if (buf == nullptr || len < 8 || len >= FLATBUFFERS_MAX_BUFFER_SIZE) return 0;
    // FlatBuffers reads scalars through typed pointers, which is undefined behaviour (and traps
    // on some CPUs) when the buffer itself is misaligned: verify an aligned copy instead. A file
    // mapped or read by qv is always aligned; only a caller's own buffer can be misaligned.
    // malloc, not new: the verifier then needs nothing of libstdc++ (the board binary links none).
    std::unique_ptr<void, decltype(&std::free)> copy(nullptr, &std::free);
    if (reinterpret_cast<uintptr_t>(buf) % alignof(uint64_t) != 0) {
        copy.reset(std::malloc(len));
        if (!copy) return 0;
        std::memcpy(copy.get(), buf, len);
        buf = static_cast<const uint8_t *>(copy.get());
    }
    if (!qv::fb::ModelBufferHasIdentifier(buf)) return 0;
    flatbuffers::Verifier verifier(buf, len);
    return qv::fb::VerifyModelBuffer(verifier) ? 1 : 0;
}
