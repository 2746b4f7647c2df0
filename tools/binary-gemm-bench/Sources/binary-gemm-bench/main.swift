// Times integerGemm for (b1, b1) or (u1, b1) at M = 128 and K, N ∈ {384, 768, 1536, 3072} on one
// thread, and the popcount ceiling loop of the same path; prints GMAC/s (binary MACs = M·N·K)
// and the GEMM's share of the ceiling. Arguments: path (default: best), xor|and, scale|bias
// (epilogue: one scalar scale, or per-column scales + bias as the runtime's linear layers use).
import Glibc
import QVBenchCeilings
import QVKernels

func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

func padded(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

let arguments = CommandLine.arguments.dropFirst()
let path = arguments.first.flatMap { KernelPath(supportedName: $0) } ?? .best
let andPopcount = arguments.contains("and")
let perColumn = arguments.contains("bias")
let repetitions = 15

/// Best GMAC/s over `repetitions` runs of the fastest way to count bits on this path.
func ceiling() -> Double {
    var best = 0.0
    for method in bitCountingMethods(path: path) {
        for _ in 0..<repetitions {
            let start = seconds()
            let run = method.run(iterations: 2000)
            let rate = Double(run.multiplyAccumulates) / (seconds() - start) / 1e9
            if run.checksum != 0 { best = max(best, rate) }
        }
    }
    return best
}

var generator = SystemRandomNumberGenerator()
let before = ceiling()
print("path \(path), \(andPopcount ? "u1×b1 AND" : "b1×b1 XOR"), epilogue \(perColumn ? "per-column scale + bias" : "scalar scale")")
print("ceiling \(Int(before)) GMAC/s")
print("     M     K     N   best GMAC/s median GMAC/s  % ceiling")
for k in [384, 768, 1536, 3072] {
    for n in [384, 768, 1536, 3072] {
        let m = 128
        let aFormat: QuantFormat = andPopcount ? .unsigned1 : .binary
        let aStride = packedRowStride(columns: k, format: aFormat), wStride = packedRowStride(columns: k, format: .binary)
        let a = UnsafeMutableRawPointer.allocate(byteCount: m * aStride, alignment: 64)
        let w = UnsafeMutableRawPointer.allocate(byteCount: n * wStride, alignment: 64)
        for offset in 0..<(m * aStride) { a.storeBytes(of: UInt8.random(in: 0...255, using: &generator), toByteOffset: offset, as: UInt8.self) }
        for offset in 0..<(n * wStride) { w.storeBytes(of: UInt8.random(in: 0...255, using: &generator), toByteOffset: offset, as: UInt8.self) }
        let output = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: n)
        scales.initialize(repeating: 0.01, count: n)
        let bias = UnsafeMutablePointer<Float>.allocate(capacity: n)
        bias.initialize(repeating: 0.5, count: n)
        let epilogue = perColumn ? Epilogue(scale: .perColumn(scales), bias: bias) : Epilogue(scale: .scalar(0.5))
        let activations = PackedMatrix(base: a, rows: m, columns: k, rowStride: aStride, format: aFormat)
        let weights = PackedMatrix(base: w, rows: n, columns: k, rowStride: wStride, format: .binary)
        let macs = Double(m * n * k)
        let calls = max(1, Int(2e8 / macs))
        var rates: [Double] = []
        for _ in 0..<repetitions {
            let start = seconds()
            for _ in 0..<calls {
                try! integerGemm(activations, weights, epilogue: epilogue, output: output, outputStride: n, path: path)
            }
            rates.append(macs * Double(calls) / (seconds() - start) / 1e9)
        }
        rates.sort()
        let best = rates.last!, median = rates[rates.count / 2]
        print(padded(m, 6) + padded(k, 6) + padded(n, 6) + padded(Int(best), 14) + padded(Int(median), 16)
              + padded(Int((100 * best / before).rounded()), 10) + "%")
        for buffer in [a, w] { buffer.deallocate() }
        for buffer in [output, scales, bias] { buffer.deallocate() }
    }
}
print("ceiling again \(Int(ceiling())) GMAC/s")
