/// A parallel-for the host supplies, so the runtime core itself never starts threads: the host
/// decides how (a persistent thread pool on Linux, a task scheduler on a board, or nothing).
///
/// `run(tasks, body)` must call `body(t)` exactly once for every `t` in `0..<tasks`, possibly
/// concurrently, and return only when every call has returned. The runtime asks for at most
/// `workers` tasks at a time and gives each task its own scratch space, so a task needs no
/// locks; which thread runs which task does not matter.
public struct ParallelFor {
    /// How many tasks can usefully run at once (1 for serial).
    public let workers: Int
    /// Runs `body(0)`, …, `body(tasks - 1)` and returns when all have finished.
    public let run: (_ tasks: Int, _ body: (Int) -> Void) -> Void

    /// A parallel-for over `workers` workers (at least 1) that runs tasks with `run`.
    public init(workers: Int, run: @escaping (_ tasks: Int, _ body: (Int) -> Void) -> Void) {
        self.workers = max(1, workers)
        self.run = run
    }

    /// Runs every task in order on the calling thread.
    public static var serial: ParallelFor {
        ParallelFor(workers: 1) { tasks, body in
            for task in 0..<tasks { body(task) }
        }
    }

    /// Runs `body(t)` for `t` in `0..<tasks` (serially when `tasks` is 1) and rethrows the
    /// error of the lowest-numbered task that failed, after all tasks have finished.
    public func forEach<E: Error>(_ tasks: Int, _ body: (Int) throws(E) -> Void) throws(E) {
        if tasks <= 1 {
            if tasks == 1 { try body(0) }
            return
        }
        let failure: E? = withUnsafeTemporaryAllocation(of: Optional<E>.self, capacity: tasks) { failures in
            failures.initialize(repeating: nil)
            run(tasks) { task in
                do throws(E) { try body(task) } catch { failures[task] = error }
            }
            let first = failures.first { $0 != nil } ?? nil
            failures.deinitialize()
            return first
        }
        if let failure { throw failure }
    }

    /// How many tasks to split `columns` output columns of `work` multiply-adds into: one per
    /// worker, but never a task under `minimumColumns` columns or `minimumWork` multiply-adds,
    /// so small products don't pay for waking workers.
    public func columnTasks(columns: Int, work: Int,
                            minimumColumns: Int = 2 * columnGranule, minimumWork: Int = 1 << 20) -> Int {
        guard workers > 1, columns > 0 else { return 1 }
        let byColumns = columns / max(minimumColumns, columnGranule)
        let byWork = work / max(minimumWork, 1)
        return max(1, min(workers, byColumns, byWork))
    }

    /// How many tasks to split `rows` rows of `work` multiply-adds into: one per worker, but never
    /// a task under `minimumRows` rows or `minimumWork` multiply-adds.
    public func rowTasks(rows: Int, work: Int, minimumRows: Int = 32, minimumWork: Int = 1 << 20) -> Int {
        guard workers > 1, rows > 0 else { return 1 }
        return max(1, min(workers, rows / max(minimumRows, 1), work / max(minimumWork, 1)))
    }

    /// Columns of task `task` when `columns` are split into `tasks` balanced chunks whose
    /// boundaries are multiples of `columnGranule` (only the last chunk ends elsewhere), so every
    /// kernel sees the same column tiling as in one piece and results are bit-identical.
    public static func columnRange(task: Int, of tasks: Int, columns: Int) -> Range<Int> {
        let granules = (columns + columnGranule - 1) / columnGranule
        let start = min(columns, task * granules / tasks * columnGranule)
        let end = min(columns, (task + 1) * granules / tasks * columnGranule)
        return start..<end
    }

    /// Items of task `task` when `count` items (rows, heads) are split into `tasks` balanced chunks.
    public static func range(task: Int, of tasks: Int, count: Int) -> Range<Int> {
        (task * count / tasks)..<((task + 1) * count / tasks)
    }
}

/// Column chunks of a split GEMM start at multiples of this many columns.
public let columnGranule = 16
