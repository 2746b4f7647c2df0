/* What qv's Swift host code (the C API and qvrun) needs from the C library, in C so the same
 * Swift builds for a board with Embedded Swift, where no Glibc module exists: mapping files, standard error, the clock, the environment, the memory size, and a pool of POSIX
 * threads. Not part of qv.h. */
#ifndef QV_HOST_H
#define QV_HOST_H

#include <stddef.h>

/** Maps the whole regular file at `path` read-only: returns 1 with `*bytes` its page-aligned
 *  address (NULL for an empty file) and `*size` its length, or 0 with a one-line reason naming
 *  the path ("cannot open '…': No such file or directory") in `message[0, message_size)`. */
int qv_host_map_file(const char *path, const void **bytes, size_t *size, char *message, size_t message_size);
/** Unmaps what qv_host_map_file mapped (nothing for NULL). */
void qv_host_unmap_file(const void *bytes, size_t size);

/** Writes `text` (NUL-terminated) to standard error, unbuffered. */
void qv_host_write_error(const char *text);
/** The value of environment variable `name`, or NULL. */
const char *qv_host_environment(const char *name);
/** Bytes of physical memory, or 0 when the system does not say. */
size_t qv_host_physical_memory(void);
/** Monotonic time in nanoseconds. */
long long qv_host_monotonic_nanoseconds(void);

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
