/* Test support: counts heap allocations made by the calling thread while counting is on.
   The test executable defines malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign
   and valloc itself (so every caller in the process, the Swift runtime included, reaches them
   first) and forwards each to glibc's __libc_* entry points. Linux with glibc only; elsewhere
   `qv_allocation_counting_works` returns 0 and nothing is counted. */
#ifndef QV_ALLOCATION_COUNTER_H
#define QV_ALLOCATION_COUNTER_H

#include <stdint.h>

/* Starts counting this thread's allocations from zero. */
void qv_allocation_counting_begin(void);
/* Stops counting and returns how many allocations this thread made since the begin. */
int64_t qv_allocation_counting_end(void);
/* 1 if the interposed allocators are in place on this platform. */
int qv_allocation_counting_works(void);

#endif
