/* See qv_host.h. */
#include "qv_host.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *qv_host_read_file(const char *path, size_t *size, int *error) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) { *error = errno; return NULL; }
    size_t capacity = 1 << 16, used = 0;
    unsigned char *bytes = malloc(capacity);
    while (bytes != NULL) {
        used += fread(bytes + used, 1, capacity - used, file);
        if (used < capacity) break;
        unsigned char *grown = capacity <= ((size_t)-1) / 2 ? realloc(bytes, capacity * 2) : NULL;
        if (grown == NULL) { free(bytes); bytes = NULL; errno = ENOMEM; break; }
        bytes = grown;
        capacity *= 2;
    }
    int failed = bytes == NULL || ferror(file);
    *error = bytes == NULL ? ENOMEM : errno;
    fclose(file);
    if (failed) { free(bytes); return NULL; }
    *size = used;
    return bytes;
}

void qv_host_free(void *bytes) { free(bytes); }

const char *qv_host_error_text(int error) { return strerror(error); }

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
