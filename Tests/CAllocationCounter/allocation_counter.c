/* See qv_allocation_counter.h. */
#include "qv_allocation_counter.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
/* ASan and TSan replace malloc themselves (a second replacement would run before their
   runtime is up), so under them the counter is off and the allocation tests skip. */
#if defined(__linux__) && defined(__GLIBC__) && !__has_feature(address_sanitizer) && !__has_feature(thread_sanitizer)
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static _Thread_local int counting;
static _Thread_local int64_t allocations;

static inline void note_allocation(void) {
    if (counting) allocations += 1;
}

void *malloc(size_t size) {
    note_allocation();
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    note_allocation();
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    note_allocation();
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    note_allocation();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note_allocation();
    return __libc_memalign(alignment, size);
}

void *valloc(size_t size) {
    note_allocation();
    return __libc_memalign(4096, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    note_allocation();
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

void qv_allocation_counting_begin(void) {
    allocations = 0;
    counting = 1;
}

int64_t qv_allocation_counting_end(void) {
    counting = 0;
    return allocations;
}

int qv_allocation_counting_works(void) { return 1; }
#else
void qv_allocation_counting_begin(void) {}
int64_t qv_allocation_counting_end(void) { return 0; }
int qv_allocation_counting_works(void) { return 0; }
#endif
