import Glibc
import QVCommandLine
import QVKernels
import QVRuntime

/// `qvc bench --kernels [--threads N] [--json] [--quick]`: GMAC/s of the binary, 2-bit, 8-bit
/// and FP32 GEMMs at M = 128 tokens for K, N ∈ {384, 768, 1536, 3072}, next to OpenBLAS
/// `cblas_sgemm` on the same shape and the in-run instruction ceiling of each kernel family.
func kernelBenchCommand(_ words: [String]) throws(CommandLineError) {
    let args = try Arguments(words, valued: ["--threads"], switches: ["--kernels", "--json", "--quick"])
    guard args.positional.isEmpty else { throw .usage("bench --kernels takes no file (got '\(args.positional[0])')") }
    let threads = try args.int("--threads", default: 1, in: 1...256)
    let path = try selectedKernelPath()
    try OpenBLASSetup.reexecMatching(path)
    OpenBLASSetup.useThreads(threads)

    let quick = args.has("--quick")
    let json = args.has("--json")
    let pool = try ThreadPool(threads: threads)
    let timing = quick ? KernelTiming(minimumMilliseconds: 5, samples: 3) : KernelTiming(minimumMilliseconds: 50, samples: 5)
    let sizes = [384, 768, 1536, 3072]
    let shapes = quick ? [(384, 384), (1536, 384)] : sizes.flatMap { k in sizes.map { n in (k, n) } }
    let m = 128

    if !json {
        print("CPU features: \(cpuFeatureNames.joined(separator: " "))")
        print("qv kernel path: \(path.rawValue)\(getenv("QV_ISA") != nil ? " (QV_ISA)" : " (best this CPU runs)"); threads: \(threads)")
        print("OpenBLAS: \(OpenBLASSetup.coreName) kernels, \(OpenBLASSetup.threads) thread\(OpenBLASSetup.threads == 1 ? "" : "s"); \(OpenBLASSetup.config)"
              + (OpenBLASSetup.changed.map { "; re-run \($0)" } ?? ""))
    }
    let (ceilings, bitCounting) = measureCeilings(timing: timing, pool: pool, path: path)
    if !json {
        for way in bitCounting where bitCounting.count > 1 {
            print("bit counting \(way.loop.name): \(format(way.gmacs)) GMAC/s")
        }
        var seen: [String] = []
        for kernel in BenchKernel.allCases {
            guard let c = ceilings[kernel], !seen.contains(c.loop.name) else { continue }
            seen.append(c.loop.name)
            let bestOf = kernel == .binary && bitCounting.count > 1 ? " (best of the \(bitCounting.count) ways above)" : ""
            print("ceiling \(c.loop.name): \(format(c.gmacs)) GMAC/s on \(threads) thread\(threads == 1 ? "" : "s")\(bestOf)")
        }
        if seen.isEmpty { print("ceilings: none of the ceiling loops runs on this CPU") }
        print("")
        print(pad("K", 5) + pad("N", 6) + "  " + pad("kernel", 7, left: true) + pad("GMAC/s", 10) + pad("ms", 9) + pad("vs sgemm", 10) + pad("% ceiling", 11))
    }

    for (k, n) in shapes {
        let bench = GemmBench(m: m, n: n, k: k)
        let gmacs = { (seconds: Double) in Double(bench.macs) / seconds / 1e9 }
        var results: [(BenchKernel, Double)] = []
        for kernel in BenchKernel.allCases {
            var failure: KernelError?
            let seconds = timing.secondsPerUnit { units in
                for _ in 0..<units where failure == nil {
                    do throws(KernelError) { try bench.run(kernel, path: path, parallel: pool.parallelFor) } catch { failure = error }
                }
            }
            if let failure { throw CommandLineError("bench --kernels: \(kernel.rawValue) at K=\(k) N=\(n): \(failure)") }
            results.append((kernel, seconds))
        }
        let sgemm = timing.secondsPerUnit { units in for _ in 0..<units { bench.runSgemm() } }
        if threads > 1 { usleep(200_000) }  // let OpenBLAS's workers stop spinning before the next shape
        for (kernel, seconds) in results {
            let rate = gmacs(seconds), limit = ceilings[kernel]
            let vsSgemm = rate / gmacs(sgemm), percent = limit.map { 100 * rate / $0.gmacs }
            if json {
                print(JSONValue.object([
                    ("kernel", .string(kernel.rawValue)), ("M", .int(m)), ("N", .int(n)), ("K", .int(k)),
                    ("gmacs", .double(rate)), ("vs_sgemm", .double(vsSgemm)), ("pct_ceiling", percent.map { .double($0) } ?? .null),
                    ("ms", .double(seconds * 1e3)), ("sgemm_gmacs", .double(gmacs(sgemm))),
                    ("ceiling", limit.map { .string($0.loop.name) } ?? .null), ("ceiling_gmacs", limit.map { .double($0.gmacs) } ?? .null),
                    ("isa", .string(path.rawValue)), ("threads", .int(threads)), ("openblas_core", .string(OpenBLASSetup.coreName)),
                ]).rendered)
            } else {
                print(pad("\(k)", 5) + pad("\(n)", 6) + "  " + pad(kernel.rawValue, 7, left: true) + pad(format(rate), 10)
                      + pad(format(seconds * 1e3, digits: 3), 9) + pad(format(vsSgemm, digits: 2) + "x", 10)
                      + pad(percent.map { format($0) + "%" } ?? "-", 11))
            }
        }
        if !json {
            print(pad("\(k)", 5) + pad("\(n)", 6) + "  " + pad("sgemm", 7, left: true) + pad(format(gmacs(sgemm)), 10)
                  + pad(format(sgemm * 1e3, digits: 3), 9) + pad("1.00x", 10)
                  + pad(ceilings[.fp32].map { format(100 * gmacs(sgemm) / $0.gmacs) + "%" } ?? "-", 11))
        }
    }
}

/// A ceiling loop and its measured rate on all threads.
struct MeasuredCeiling {
    let loop: CeilingLoop
    let gmacs: Double
}

/// Measures the ceiling loop of each kernel family on `path`, on every thread of `pool` at once;
/// the binary GEMM's is the fastest of the ways to count bits, all of which are returned too.
private func measureCeilings(
    timing: KernelTiming, pool: ThreadPool, path: KernelPath
) -> (byKernel: [BenchKernel: MeasuredCeiling], bitCounting: [MeasuredCeiling]) {
    let roundsPerUnit = 4096
    let checksums = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: pool.threads)
    defer { checksums.deallocate() }
    func measure(_ loop: CeilingLoop?) -> MeasuredCeiling? {
        guard let loop else { return nil }
        let seconds = timing.secondsPerUnit { units in
            pool.run(pool.threads) { checksums[$0] = loop.run(units * roundsPerUnit) }
            for sum in checksums { consume(sum) }
        }
        return MeasuredCeiling(loop: loop, gmacs: Double(pool.threads * roundsPerUnit * loop.macsPerRound) / seconds / 1e9)
    }
    let bitCounting = popcountCeilingLoops(path).compactMap(measure)
    let dot = measure(int8CeilingLoop(path)), fma = measure(floatFMACeiling(path))
    var byKernel: [BenchKernel: MeasuredCeiling] = [:]
    byKernel[.binary] = bitCounting.max { $0.gmacs < $1.gmacs }
    byKernel[.twoBit] = measure(lookupCeilingLoop(path)) ?? dot
    byKernel[.eightBit] = dot
    byKernel[.fp32] = fma
    return (byKernel, bitCounting)
}

/// `value` with `digits` decimals (1 by default).
private func format(_ value: Double, digits: Int = 1) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    let whole = String(scaled / Int(scale)), fraction = String(abs(scaled) % Int(scale))
    return digits == 0 ? whole : whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
}

/// `text` padded with spaces to `width` (right-aligned unless `left`).
private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}
