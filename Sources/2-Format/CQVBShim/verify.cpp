// qvb_verify: the flatc-generated FlatBuffers verifier for formats/qvb.fbs behind a C function.
#include "qvb_shim.h"
#include "qvb_generated.h"

extern "C" int qvb_verify(const uint8_t *buf, size_t len) {
    // The verifier asserts on buffers of FLATBUFFERS_MAX_BUFFER_SIZE or more; refuse them here.
    if (buf == nullptr || len < 8 || len >= FLATBUFFERS_MAX_BUFFER_SIZE) return 0;
    if (!qv::fb::ModelBufferHasIdentifier(buf)) return 0;
    flatbuffers::Verifier verifier(buf, len);
    return qv::fb::VerifyModelBuffer(verifier) ? 1 : 0;
}
