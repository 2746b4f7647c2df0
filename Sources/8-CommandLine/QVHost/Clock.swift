import CQVHost

/// Monotonic wall-clock time in milliseconds.
public func monotonicMilliseconds() -> Double { Double(qv_host_monotonic_nanoseconds()) / 1e6 }

/// Latency statistics of repeated runs.
public struct LatencySummary {
    /// Run count.
    public let runs: Int
    /// Median, 10th and 90th percentile in milliseconds.
    public let median: Double, p10: Double, p90: Double

    /// Summarises `samples` (milliseconds).
    public init(_ samples: [Double]) {
        let s = samples.sorted()
        runs = s.count
        func at(_ q: Double) -> Double { s.isEmpty ? 0 : s[min(s.count - 1, Int((Double(s.count - 1) * q).rounded()))] }
        median = at(0.5); p10 = at(0.1); p90 = at(0.9)
    }
}

/// A millisecond figure with two decimals, e.g. `3.07`.
public func formatMilliseconds(_ ms: Double) -> String {
    let hundredths = Int((ms * 100).rounded())
    let frac = hundredths % 100
    return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
}
