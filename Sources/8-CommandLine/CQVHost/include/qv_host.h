/* What the C API's Swift side needs from the host C library, in C so the same code builds for a
 * board with Embedded Swift: reading a file, and a pool of POSIX threads. Not part of qv.h. */
#ifndef QV_HOST_H
#define QV_HOST_H

#include <stddef.h>

/** Reads the whole file at `path` into memory from malloc (freed with free), or returns NULL
 *  with `*error` set to errno. */
void *qv_host_read_file(const char *path, size_t *size, int *error);
/** Frees memory from qv_host_read_file. */
void qv_host_free(void *bytes);
/** The message of errno value `error` (static storage). */
const char *qv_host_error_text(int error);

/** A pool of worker threads. */
typedef struct qv_host_pool qv_host_pool;
/** A pool running tasks on the calling thread and `threads - 1` workers, or NULL when threads
 *  cannot be started. */
qv_host_pool *qv_host_pool_create(int threads);
/** Runs `body(context, 0)`, …, `body(context, tasks - 1)` across the pool; returns when all have finished. */
void qv_host_pool_run(qv_host_pool *pool, long tasks, void (*body)(void *context, long task), void *context);
/** Stops and frees the pool. */
void qv_host_pool_free(qv_host_pool *pool);

#endif /* QV_HOST_H */
