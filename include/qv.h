/* qv.h — the qv runtime behind a C API: load a .qvb model (from a file or from memory), run it
 * on text, on token ids or on FP32 values, and read its outputs. No Swift is visible here: link
 * libqv.a (see the README, "Embedding qv", and examples/c/embed.c).
 *
 * Every function returning qv_status returns QV_OK or an error code; a handle's last error is a
 * one-line message (qv_session_error), and the load and create functions write theirs into the
 * caller's buffer. Handles are not shared between threads; one session runs one input at a time
 * (use one session per thread, each from the same model). */
#ifndef QV_H
#define QV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a call ended with. */
typedef enum qv_status {
    QV_OK = 0,
    QV_ERROR_ARGUMENT = 1,    /**< a null pointer or an impossible count where the call needs one */
    QV_ERROR_IO = 2,          /**< the file cannot be opened or read */
    QV_ERROR_FILE = 3,        /**< not a .qvb, damaged, truncated, or a graph qv refuses */
    QV_ERROR_INPUT = 4,       /**< the input does not fit the model: empty text, ids out of range, wrong size */
    QV_ERROR_MEMORY = 5,      /**< over the session's memory budget, or out of memory */
    QV_ERROR_UNSUPPORTED = 6  /**< the model lacks what was asked: no tokenizer, no such output */
} qv_status;

/** What an input or output is (the .qvb's port roles). */
typedef enum qv_role {
    QV_ROLE_TENSOR = 0,          /**< an FP32 tensor of the declared shape */
    QV_ROLE_TOKEN_IDS = 1,       /**< int32, one token id per token */
    QV_ROLE_TOKEN_TYPES = 2,     /**< int32 segment ids */
    QV_ROLE_ATTENTION_MASK = 3,  /**< int32, 1 where a token is attended */
    QV_ROLE_IMAGE = 4,           /**< an FP32 image, already preprocessed */
    QV_ROLE_EMBEDDING = 5,       /**< FP32 [1, F]: a pooled, possibly normalised embedding */
    QV_ROLE_LOGITS = 6           /**< FP32 [1, classes]: classifier logits */
} qv_role;

/** A loaded model: its bytes, verified and validated. */
typedef struct qv_model qv_model;
/** A session: one planned arena and the outputs of its last run. */
typedef struct qv_session qv_session;

/** Loads the .qvb at `path`, mapped read-only (not copied: the weights are read from the page
 *  cache). On failure `*model` is NULL and `message` (when not NULL) holds a one-line reason
 *  naming the path, cut to `message_size` bytes with a terminating NUL. */
qv_status qv_model_load_file(const char *path, qv_model **model, char *message, size_t message_size);
/** Loads the .qvb in `bytes[0, size)`, which are copied: the caller may free them on return. */
qv_status qv_model_load_memory(const void *bytes, size_t size, qv_model **model, char *message, size_t message_size);
/** Frees a model (NULL is ignored). Free its sessions first. */
void qv_model_free(qv_model *model);

/** Whether the model takes text (has a tokenizer and a token ids input): 1 or 0. */
int qv_model_takes_text(const qv_model *model);
/** The most tokens one run takes. */
size_t qv_model_max_tokens(const qv_model *model);
/** How many outputs the model has. */
size_t qv_model_output_count(const qv_model *model);
/** Output `index`'s name (NUL-terminated, owned by the model), or NULL past the last output. */
const char *qv_model_output_name(const qv_model *model, size_t index);
/** Output `index`'s role (QV_ROLE_TENSOR past the last output). */
qv_role qv_model_output_role(const qv_model *model, size_t index);
/** How many class labels a classifier names (0 for other models). */
size_t qv_model_label_count(const qv_model *model);
/** Class `index`'s label (NUL-terminated, owned by the model), or NULL past the last label. */
const char *qv_model_label(const qv_model *model, size_t index);

/** A session for `model` on `threads` threads (1 to 256) whose arena may take at most
 *  `memory_budget` bytes (0: the default, 4 GiB). The model must outlive the session. Its kernels
 *  are the fastest this CPU runs (AVX-512, AVX2, NEON with DotProd, portable SIMD), or those the
 *  environment variable QV_ISA names (scalar, portable, avx2, avx512, neon): QV_ERROR_ARGUMENT
 *  when this CPU cannot run them. */
qv_status qv_session_create(qv_model *model, int threads, size_t memory_budget, qv_session **session,
                            char *message, size_t message_size);
/** Frees a session (NULL is ignored). */
void qv_session_free(qv_session *session);

/** Tokenizes NUL-terminated UTF-8 `text` with the model's tokenizer and runs the model on it. */
qv_status qv_session_run_text(qv_session *session, const char *text);
/** Runs a text model on `count` token ids (token types 0, every token attended). */
qv_status qv_session_run_ids(qv_session *session, const int32_t *ids, size_t count);
/** Runs a model whose one input is FP32 on `count` values (all of them, row-major). */
qv_status qv_session_run_floats(qv_session *session, const float *values, size_t count);

/** Output `index` of the last run: `*values` (owned by the session, valid until its next run)
 *  and `*count`. */
qv_status qv_session_output(const qv_session *session, size_t index, const float **values, size_t *count);
/** The token ids of the last text run (owned by the session) and their count. */
qv_status qv_session_ids(const qv_session *session, const int32_t **ids, size_t *count);
/** The session's last error as one line (empty after a success); owned by the session. */
const char *qv_session_error(const qv_session *session);

#ifdef __cplusplus
}
#endif

#endif /* QV_H */
