#ifndef QVB_SHIM_H
#define QVB_SHIM_H
#include <stddef.h>
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif
/// Placeholder until the verifier lands.
int qvb_shim_placeholder(void);
#ifdef __cplusplus
}
#endif
#endif
