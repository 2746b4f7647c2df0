/* See qv_host.h. */
#define _GNU_SOURCE /* _SC_PHYS_PAGES, and POSIX under -std=c11 */
#include "qv_host.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

struct qv_host_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    /* The job: tasks handed out in order by `next`; `generation` changes per job. */
    void (*body)(void *, long);
    void *context;
    long tasks, next, finished;
    unsigned long generation;
    int stopping;
};

/* Takes and runs tasks of the current job until none is left. */
static void run_tasks(qv_host_pool *pool) {
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        long task = pool->next < pool->tasks ? pool->next++ : -1;
        pthread_mutex_unlock(&pool->lock);
        if (task < 0) return;
        pool->body(pool->context, task);
        pthread_mutex_lock(&pool->lock);
        if (++pool->finished == pool->tasks) pthread_cond_broadcast(&pool->done);
        pthread_mutex_unlock(&pool->lock);
    }
}

static void *worker(void *argument) {
    qv_host_pool *pool = argument;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (!pool->stopping && pool->generation == seen) pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->stopping) { pthread_mutex_unlock(&pool->lock); return NULL; }
        seen = pool->generation;
        pthread_mutex_unlock(&pool->lock);
        run_tasks(pool);
    }
}

qv_host_pool *qv_host_pool_create(int threads) {
    if (threads < 1) return NULL;
    qv_host_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL) return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    pool->workers = calloc((size_t)threads, sizeof(pthread_t));
    if (pool->workers == NULL) { qv_host_pool_free(pool); return NULL; }
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&pool->workers[i], NULL, worker, pool) != 0) {
            pool->threads = i;
            qv_host_pool_free(pool);
            return NULL;
        }
    }
    return pool;
}

void qv_host_pool_run(qv_host_pool *pool, long tasks, void (*body)(void *, long), void *context) {
    if (tasks <= 0) return;
    if (pool->threads == 1 || tasks == 1) {
        for (long t = 0; t < tasks; t++) body(context, t);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->body = body;
    pool->context = context;
    pool->tasks = tasks;
    pool->next = 0;
    pool->finished = 0;
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    run_tasks(pool);
    pthread_mutex_lock(&pool->lock);
    while (pool->finished < pool->tasks) pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

void qv_host_pool_free(qv_host_pool *pool) {
    if (pool == NULL) return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 1; i < pool->threads && pool->workers != NULL; i++) pthread_join(pool->workers[i], NULL);
    pthread_cond_destroy(&pool->done);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->workers);
    free(pool);
}
