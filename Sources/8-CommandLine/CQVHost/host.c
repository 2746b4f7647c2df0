/* See qv_host.h. */
#define _GNU_SOURCE /* _SC_PHYS_PAGES, and POSIX under -std=c11 */
#include "qv_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int qv_host_map_file(const char *path, const void **bytes, size_t *size, char *message, size_t message_size) {
    *bytes = NULL;
    *size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(message, message_size, "cannot open '%s': %s", path, strerror(errno));
        return 0;
    }
    struct stat st;
    int mapped = 0;
    if (fstat(fd, &st) != 0) {
        snprintf(message, message_size, "cannot stat '%s': %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(message, message_size, "'%s' is not a regular file", path);
    } else if (st.st_size == 0) {
        mapped = 1;
    } else {
        void *address = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (address == MAP_FAILED) {
            snprintf(message, message_size, "cannot map '%s': %s", path, strerror(errno));
        } else {
            *bytes = address;
            *size = (size_t)st.st_size;
            mapped = 1;
        }
    }
    close(fd);
    return mapped;
}

void qv_host_unmap_file(const void *bytes, size_t size) {
    if (bytes != NULL) munmap((void *)bytes, size);
}

void qv_host_write_error(const char *text) { fputs(text, stderr); }

const char *qv_host_environment(const char *name) { return getenv(name); }

size_t qv_host_physical_memory(void) {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0) return 0;
    return (size_t)pages > ((size_t)-1) / (size_t)size ? (size_t)-1 : (size_t)pages * (size_t)size;
}

long long qv_host_monotonic_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}
