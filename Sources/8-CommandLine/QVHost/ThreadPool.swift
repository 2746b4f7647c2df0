import CQVHost
import QVRuntime

/// A persistent pool of `threads − 1` POSIX threads plus the calling thread that runs the
/// runtime's parallel-for: the host C's pool (CQVHost, thread_pool.c). Workers stay alive between
/// jobs, spin briefly for the next one (steps follow each other within microseconds) and then
/// sleep, so a small GEMM pays neither thread start-up nor a system call; running a job allocates
/// nothing. The same pool serves qvc, qvrun and the C API, on x86-64 and on a board.
///
/// One job at a time: `run` must not be called from two threads at once or from inside a task
/// (an `InferenceSession` is used from one thread, which satisfies both).
public final class ThreadPool {
    /// Threads that run tasks, the caller included.
    public let threads: Int
    private let pool: OpaquePointer?

    /// Starts `threads − 1` workers (none for 1). Throws if the system refuses a thread.
    public init(threads: Int) throws(CommandLineError) {
        self.threads = max(1, threads)
        guard self.threads > 1 else {
            pool = nil
            return
        }
        guard let pool = qv_host_pool_create(Int32(clamping: self.threads)) else {
            throw CommandLineError("could not start \(self.threads - 1) worker threads; use fewer threads")
        }
        self.pool = pool
    }

    deinit { if let pool { qv_host_pool_free(pool) } }

    /// The pool as the runtime's parallel-for.
    public var parallelFor: ParallelFor {
        ParallelFor(workers: threads) { [self] tasks, body in run(tasks, body) }
    }

    /// Runs `body(0)`, …, `body(tasks − 1)` on the pool's threads and the caller; returns when
    /// every task has finished.
    public func run(_ tasks: Int, _ body: (Int) -> Void) {
        guard let pool, tasks > 1 else {
            for task in 0..<max(tasks, 0) { body(task) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = body
            withUnsafeMutablePointer(to: &job) { context in
                qv_host_pool_run(pool, tasks, { context, task in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(task)
                }, context)
            }
        }
    }
}
