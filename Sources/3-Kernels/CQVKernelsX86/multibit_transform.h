#ifndef QV_MULTIBIT_TRANSFORM_H
#define QV_MULTIBIT_TRANSFORM_H
/* Private to the multi-bit GEMM sources: how each stored code format becomes prepared bytes,
   and the biases that the corrections undo (see qv_multibit.h for the algebra). */
#include "qv_multibit.h"

static inline int qv_mb_is_two_bit(int32_t format) { return format == QV_MB_S2 || format == QV_MB_U2; }

/* ba: what activations of `format` gain on their way to unsigned bytes. */
static inline uint32_t qv_mb_activation_bias(int32_t format) {
    return format == QV_MB_S2 ? 2u : format == QV_MB_S8 ? 128u : 0u;
}

/* bw: what weights of `format` gain on their way to signed bytes (mod 2^32). */
static inline uint32_t qv_mb_weight_bias(int32_t format) { return format == QV_MB_U8 ? (uint32_t)-128 : 0u; }

/* How stored fields become prepared bytes: 2-bit fields minus `subtract`, or 8-bit bytes XOR
   `flip`. The field of a signed 2-bit code is code + 2, so a' = field for both 2-bit activation
   formats, and a signed 2-bit weight subtracts 2 to get its code back. */
typedef struct {
    int two_bit;
    uint8_t subtract;
    uint8_t flip;
} qv_mb_transform;

static inline qv_mb_transform qv_mb_activation_transform(int32_t format) {
    qv_mb_transform t = { qv_mb_is_two_bit(format), 0, format == QV_MB_S8 ? 0x80 : 0 };
    return t;
}

static inline qv_mb_transform qv_mb_weight_transform(int32_t format) {
    qv_mb_transform t = { qv_mb_is_two_bit(format), format == QV_MB_S2 ? 2 : 0, format == QV_MB_U8 ? 0x80 : 0 };
    return t;
}

/* The column correction −ba·Σw' + K·ba·bw of a column whose prepared bytes sum to `sum`. */
static inline int32_t qv_mb_column_correction(int32_t activation_format, int32_t weight_format,
                                              ptrdiff_t columns, uint32_t sum) {
    uint32_t ba = qv_mb_activation_bias(activation_format);
    return (int32_t)((uint32_t)columns * ba * qv_mb_weight_bias(weight_format) - ba * sum);
}
#endif
