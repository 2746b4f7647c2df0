/* See qv_host.h. */
#define _GNU_SOURCE
#include "qv_host.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

/* A pool of POSIX threads for the runtime's parallel-for (see qv_host.h). One 64-bit ticket holds
 * the job's generation (high 32 bits), its task count and the next unclaimed task (16 bits each):
 * a task is claimed by one compare-exchange that also checks the generation, so a worker still
 * finishing an old job can never claim a task of the next one. Workers spin on the ticket for
 * tens of microseconds after a job (steps follow each other within microseconds), then sleep on
 * a condition variable; the caller works on its own job and spins (yielding) until all are done.
 * Running a job allocates nothing. One job at a time: not from two threads, not from a task. */
enum { spin_polls = 20000 };

struct qv_host_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic uint64_t ticket;
    _Atomic long finished;
    _Atomic int sleepers, stopping;
    /* The live job: written by the caller only while no job is live, published by the ticket. */
    void (*body)(void *, long);
    void *context;
    long first; /* the task number of the job's task 0 (a run of more than 0xFFFF tasks is several jobs) */
};

static uint64_t generation_of(uint64_t ticket) { return ticket >> 32; }

/* The next task of `generation`, or -1 once that job has none left unclaimed. */
static long claim(qv_host_pool *pool, uint64_t generation) {
    uint64_t current = atomic_load_explicit(&pool->ticket, memory_order_acquire);
    while (generation_of(current) == generation) {
        long task = (long)(current & 0xFFFF), tasks = (long)(current >> 16 & 0xFFFF);
        if (task >= tasks) return -1;
        if (atomic_compare_exchange_weak_explicit(&pool->ticket, &current, current + 1,
                                                  memory_order_acq_rel, memory_order_acquire)) return task;
    }
    return -1;
}

/* Claims and runs tasks of `generation` until none is left. */
static void drain(qv_host_pool *pool, uint64_t generation) {
    long task;
    while ((task = claim(pool, generation)) >= 0) {
        pool->body(pool->context, pool->first + task);
        atomic_fetch_add_explicit(&pool->finished, 1, memory_order_release);
    }
}

static void *worker(void *argument) {
    qv_host_pool *pool = argument;
    uint64_t seen = generation_of(atomic_load_explicit(&pool->ticket, memory_order_acquire));
    for (;;) {
        uint64_t generation = generation_of(atomic_load_explicit(&pool->ticket, memory_order_acquire));
        for (int polls = 1; generation == seen && polls <= spin_polls && !atomic_load_explicit(&pool->stopping, memory_order_relaxed); polls++) {
            if (polls % 1024 == 0) sched_yield(); /* more threads than cores: let the ones with tasks run */
            generation = generation_of(atomic_load_explicit(&pool->ticket, memory_order_acquire));
        }
        if (generation == seen) {
            pthread_mutex_lock(&pool->lock);
            atomic_fetch_add(&pool->sleepers, 1);
            while (generation_of(atomic_load(&pool->ticket)) == seen && !atomic_load(&pool->stopping)) {
                pthread_cond_wait(&pool->wake, &pool->lock);
            }
            atomic_fetch_sub(&pool->sleepers, 1);
            pthread_mutex_unlock(&pool->lock);
            generation = generation_of(atomic_load_explicit(&pool->ticket, memory_order_acquire));
        }
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        seen = generation;
        drain(pool, generation);
    }
}

qv_host_pool *qv_host_pool_create(int threads) {
    if (threads < 1) return NULL;
    qv_host_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL) return NULL;
    pool->threads = threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
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

/* Publishes tasks first ..< first + count (at most 0xFFFF) as one job, works on it, and waits
   for the other threads' tasks. */
static void run_job(qv_host_pool *pool, long first, long count, void (*body)(void *, long), void *context) {
    pool->body = body;
    pool->context = context;
    pool->first = first;
    atomic_store_explicit(&pool->finished, 0, memory_order_relaxed);
    /* Generations wrap within their 32 bits, so claim() always compares like with like. */
    uint64_t generation = (generation_of(atomic_load_explicit(&pool->ticket, memory_order_relaxed)) + 1) & 0xFFFFFFFFu;
    atomic_store(&pool->ticket, generation << 32 | (uint64_t)count << 16);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->lock);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->lock);
    }
    drain(pool, generation);
    for (long polls = 1; atomic_load_explicit(&pool->finished, memory_order_acquire) < count; polls++) {
        if (polls % 1024 == 0) sched_yield();
    }
}

void qv_host_pool_run(qv_host_pool *pool, long tasks, void (*body)(void *, long), void *context) {
    if (tasks <= 0) return;
    if (pool->threads == 1 || tasks == 1) {
        for (long t = 0; t < tasks; t++) body(context, t);
        return;
    }
    for (long first = 0; first < tasks;) {
        long count = tasks - first < 0xFFFF ? tasks - first : 0xFFFF;
        run_job(pool, first, count, body, context);
        first += count; /* never past tasks, so never past LONG_MAX */
    }
}

void qv_host_pool_free(qv_host_pool *pool) {
    if (pool == NULL) return;
    pthread_mutex_lock(&pool->lock);
    atomic_store(&pool->stopping, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 1; i < pool->threads && pool->workers != NULL; i++) pthread_join(pool->workers[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->workers);
    free(pool);
}
