import QVCommandLine

/// Times a unit of work (one GEMM, one batch of ceiling rounds): calibrates a repetition count
/// so one measurement lasts at least `minimumMilliseconds`, then takes the median of `samples`
/// measurements.
struct KernelTiming {
    /// Shortest measurement.
    let minimumMilliseconds: Double
    /// Measurements per median.
    let samples: Int

    /// Median seconds per unit; `work(n)` must do n units.
    func secondsPerUnit(_ work: (_ units: Int) -> Void) -> Double {
        work(1)  // warm caches, page in, wake threads
        var units = 1
        var elapsed = milliseconds { work(units) }
        while elapsed < minimumMilliseconds / 8 {
            units *= 8
            elapsed = milliseconds { work(units) }
        }
        units = max(units, Int((Double(units) * minimumMilliseconds / max(elapsed, 1e-3)).rounded(.up)))
        let perUnit = (0..<samples).map { _ in milliseconds { work(units) } / Double(units) }
        return perUnit.sorted()[samples / 2] / 1e3
    }

    private func milliseconds(_ body: () -> Void) -> Double {
        let start = monotonicMilliseconds()
        body()
        return monotonicMilliseconds() - start
    }
}

/// Where benchmarks fold a result of every repetition, so no repetition is dead code.
/// Written by the benchmark's calling thread only.
nonisolated(unsafe) var benchmarkSink: UInt64 = 0

/// Folds `bits` into `benchmarkSink`.
@inline(never)
func consume(_ bits: UInt64) {
    benchmarkSink = benchmarkSink &* 31 &+ bits
}
