import Glibc
import QVRuntime
import Synchronization

/// A persistent pool of `threads − 1` POSIX threads plus the calling thread that runs the
/// runtime's parallel-for. Workers stay alive between jobs, spin briefly for the next one (steps
/// follow each other within microseconds) and then sleep on a condition variable, so a small
/// GEMM pays neither thread start-up nor a system call. Running a job allocates nothing.
///
/// One job at a time: `run` must not be called from two threads at once or from inside a task
/// (an `InferenceSession` is used from one thread, which satisfies both).
public final class ThreadPool {
    /// Threads that run tasks, the caller included.
    public let threads: Int
    private let state: PoolState
    private var handles: [pthread_t] = []

    /// Starts `threads − 1` workers (none for 1). Throws if the system refuses a thread.
    public init(threads: Int) throws(CommandLineError) {
        self.threads = max(1, threads)
        state = PoolState()
        for index in 1..<self.threads {
            var handle = pthread_t()
            let context = Unmanaged.passRetained(state).toOpaque()
            let status = pthread_create(&handle, nil, { context in
                let state = Unmanaged<PoolState>.fromOpaque(context!).takeRetainedValue()
                state.work()
                return nil
            }, context)
            guard status == 0 else {
                Unmanaged<PoolState>.fromOpaque(context).release()
                stop()
                throw CommandLineError("could not start worker thread \(index) of \(self.threads) (error \(status)); use fewer --threads")
            }
            handles.append(handle)
        }
    }

    deinit { stop() }

    /// The pool as the runtime's parallel-for.
    public var parallelFor: ParallelFor {
        ParallelFor(workers: threads) { [self] tasks, body in run(tasks, body) }
    }

    /// Runs `body(0)`, …, `body(tasks − 1)` on the pool's threads and the caller; returns when
    /// every task has finished.
    public func run(_ tasks: Int, _ body: (Int) -> Void) {
        guard tasks > 1, threads > 1 else {
            for task in 0..<max(tasks, 0) { body(task) }
            return
        }
        withoutActuallyEscaping(body) { body in
            guard tasks > PoolState.maximumTasks else { return state.run(tasks, body) }
            for first in stride(from: 0, to: tasks, by: PoolState.maximumTasks) {
                state.run(min(PoolState.maximumTasks, tasks - first)) { body(first + $0) }
            }
        }
    }

    private func stop() {
        state.shutDown()
        for handle in handles { pthread_join(handle, nil) }
        handles = []
    }
}

/// What the pool's threads share.
///
/// `@unchecked Sendable`: the job closure is written by the caller only while no job is live and
/// published by the release store of `ticket`; a worker reads it only after claiming a task of
/// that job with an acquiring compare-exchange on `ticket`, and the caller does not touch it
/// again until `finished` says every claimed task has returned. Everything else is atomic.
private final class PoolState: @unchecked Sendable {
    /// Job generation (bits 32–63), task count (bits 16–31) and next unclaimed task (bits 0–15).
    /// A worker claims task `t` of generation `g` by advancing `t` to `t + 1` while `g` is
    /// unchanged, so a worker that wakes late can never claim a task of another job.
    private let ticket = Atomic<UInt64>(0)
    /// Tasks of the live job that have returned.
    private let finished = Atomic<Int>(0)
    /// Workers asleep (or about to sleep) on `wake`.
    private let sleepers = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>

    /// The live job; only valid while a task of it is claimed.
    private var body: ((Int) -> Void)?

    /// Most tasks one job can have (the width of the ticket's task fields).
    static let maximumTasks = 0xFFFF

    /// Polls of `ticket` before a worker goes to sleep (tens of microseconds).
    private static let spinPolls = 20_000

    init() {
        lock = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(wake, nil)
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(lock)
        wake.deallocate()
        lock.deallocate()
    }

    /// Publishes a job, works on it, and waits for the other threads' tasks.
    func run(_ tasks: Int, _ body: @escaping (Int) -> Void) {
        self.body = body
        finished.store(0, ordering: .relaxed)
        let generation = (ticket.load(ordering: .relaxed) >> 32) &+ 1
        ticket.store(generation << 32 | UInt64(tasks) << 16, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(lock)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(lock)
        }
        drain(generation: generation)
        var polls = 0
        while finished.load(ordering: .acquiring) < tasks {
            polls += 1
            if polls % 1024 == 0 { sched_yield() }
        }
        self.body = nil
    }

    /// Claims and runs tasks of `generation` until none is left.
    private func drain(generation: UInt64) {
        while let task = claim(generation: generation) {
            runTask(task)
            finished.add(1, ordering: .releasing)
        }
    }

    /// Calls the job on `task`; out of line so the worker's copy of the closure is released
    /// before the task is reported finished.
    @inline(never)
    private func runTask(_ task: Int) {
        body?(task)
    }

    /// The next task of `generation`, or nil once that job has no unclaimed task left.
    private func claim(generation: UInt64) -> Int? {
        var current = ticket.load(ordering: .acquiring)
        while current >> 32 == generation {
            let task = Int(current & 0xFFFF), tasks = Int(current >> 16 & 0xFFFF)
            guard task < tasks else { return nil }
            let (exchanged, original) = ticket.compareExchange(
                expected: current, desired: current &+ 1, ordering: .acquiringAndReleasing)
            if exchanged { return task }
            current = original
        }
        return nil
    }

    /// A worker's life: wait for a new generation, help with it, repeat until shut down.
    func work() {
        var seen = ticket.load(ordering: .acquiring) >> 32
        while true {
            var generation = ticket.load(ordering: .acquiring) >> 32
            var polls = 0
            while generation == seen && polls < Self.spinPolls && !stopping.load(ordering: .relaxed) {
                polls += 1
                generation = ticket.load(ordering: .acquiring) >> 32
            }
            if generation == seen {
                pthread_mutex_lock(lock)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while ticket.load(ordering: .sequentiallyConsistent) >> 32 == seen && !stopping.load(ordering: .sequentiallyConsistent) {
                    pthread_cond_wait(wake, lock)
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(lock)
                generation = ticket.load(ordering: .acquiring) >> 32
            }
            if stopping.load(ordering: .acquiring) { return }
            seen = generation
            drain(generation: generation)
        }
    }

    /// Tells every worker to return.
    func shutDown() {
        pthread_mutex_lock(lock)
        stopping.store(true, ordering: .sequentiallyConsistent)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(lock)
    }
}
