import Dispatch

/// The trainer's own threads: work split into contiguous chunks, one per thread, run with
/// `DispatchQueue.concurrentPerform`. Each chunk writes only its own outputs, so results are
/// the same for the same thread count (and OpenBLAS runs one thread per call inside a chunk,
/// so no BLAS thread spins while elementwise work runs).
enum Parallel {
    /// Threads to use: a process-wide setting of the trainer (the run's `--threads`, set by
    /// `FineTuner`); runs that must be bit-identical must not overlap with one of another count.
    nonisolated(unsafe) static var threads = 1

    /// Calls `body` on `threads` contiguous parts of `0..<count` (fewer when a part would be
    /// smaller than `grain`), concurrently.
    static func chunks(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts = max(1, min(threads, count / max(grain, 1)))
        guard parts > 1 else { if count > 0 { body(0..<count) }; return }
        withoutActuallyEscaping(body) { run in
            let task = Task(run: run)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                task.run((count * p / parts)..<(count * (p + 1) / parts))
            }
        }
    }
}

extension Parallel {
    /// `[f(0), …, f(count − 1)]`, computed in parallel chunks.
    static func map(_ count: Int, _ f: (Int) -> Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                let out = SharedPointer(base: buffer.baseAddress!)
                chunks(count, grain: 4096) { r in for i in r { (out.base + i).initialize(to: f(i)) } }
            }
            initialized = count
        }
    }

    /// `body(i)` for every `i` in `0..<count`, in parallel chunks of at least `grain`.
    static func forEach(_ count: Int, grain: Int = 4096, _ body: (Int) -> Void) {
        chunks(count, grain: grain) { r in for i in r { body(i) } }
    }

    /// How many partial sums `sum` forms over `count` terms (chunk `p` of them is
    /// `count·p/parts ..< count·(p+1)/parts`).
    static func sumParts(_ count: Int) -> Int { max(1, min(threads, count / 4096)) }

    /// `Σ f(i)` over `0..<count`: a partial sum per chunk, added in chunk order (the same
    /// result for the same thread count).
    static func sum(_ count: Int, _ f: (Int) -> Float) -> Float {
        let parts = sumParts(count)
        var partial = [Float](repeating: 0, count: parts)
        partial.withUnsafeMutableBufferPointer { p in
            let out = SharedPointer(base: p.baseAddress!)
            chunks(parts) { r in
                for part in r {
                    var s: Float = 0
                    for i in (count * part / parts)..<(count * (part + 1) / parts) { s += f(i) }
                    out.base[part] = s
                }
            }
        }
        return partial.reduce(0, +)
    }
}

/// A chunk body handed to the workers (each calls it on its own range).
private struct Task: @unchecked Sendable {
    /// The body.
    let run: (Range<Int>) -> Void
}

/// A pointer that may cross into `Parallel.chunks` workers, each touching its own range.
struct SharedPointer<T>: @unchecked Sendable {
    /// The address.
    let base: UnsafeMutablePointer<T>
}
