/// The binary GEMM's ceiling on this CPU: the tightest XOR + popcount + add loop a path's kernel
/// is built from, on L1-resident data, for benchmarks to compare `integerGemm` against
/// (bench-only: `qvc bench --kernels`, tools/binary-gemm-bench).
import QVKernels
#if arch(x86_64)
import QVBenchCeilingsAVX2
import QVBenchCeilingsAVX512
#endif

/// What one run of `binaryPopcountCeiling(path:iterations:)` did.
public struct BinaryPopcountCeilingRun: Sendable {
    /// Binary multiply-accumulates performed: bits combined and counted (compare with M·N·K of a
    /// 1-bit `integerGemm`).
    public let multiplyAccumulates: Int
    /// Sum of all counts; it depends on every popcount, so the loop cannot be optimised away.
    public let checksum: UInt64
}

/// Runs the XOR + popcount + add loop of the binary counting kernel `path` selects (AVX-512
/// VPOPCNTDQ, AVX2, or portable for `.portable` and `.scalar`; a path the CPU lacks runs the best
/// kernel below it) `iterations` times. Nothing is timed here: the caller times the call and
/// divides `multiplyAccumulates` by the seconds to get the ceiling in MAC/s.
public func binaryPopcountCeiling(path: KernelPath, iterations: Int) -> BinaryPopcountCeilingRun {
    let run: (bits: Int, checksum: UInt64)
    switch BinaryCountKernel(path: path) {
    case .portable: run = xorPopcountCeilingPortable(iterations: iterations)
    #if arch(x86_64)
    case .avx2: run = xorPopcountCeilingAVX2(iterations: iterations)
    case .avx512: run = xorPopcountCeilingAVX512(iterations: iterations)
    #endif
    }
    return BinaryPopcountCeilingRun(multiplyAccumulates: run.bits, checksum: run.checksum)
}

/// The portable loop: 32 L1-resident `SIMD4<UInt64>` words × 4 register-resident ones per round.
@inline(never)
private func xorPopcountCeilingPortable(iterations: Int) -> (bits: Int, checksum: UInt64) {
    let tableWords = 32
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return seed
    }
    let table = (0..<tableWords).map { _ in SIMD4(next(), next(), next(), next()) }
    var w = (SIMD4<UInt64>(repeating: 0x0123_4567_89AB_CDEF), SIMD4<UInt64>(repeating: 0x5555_5555_5555_5555),
             SIMD4<UInt64>(repeating: 0x3333_3333_3333_3333), SIMD4<UInt64>(repeating: 0xFEDC_BA98_7654_3210))
    var c = (SIMD4<UInt64>(), SIMD4<UInt64>(), SIMD4<UInt64>(), SIMD4<UInt64>())
    table.withUnsafeBufferPointer { words in
        for _ in 0..<max(0, iterations) {
            for x in words {
                c.0 &+= (x ^ w.0).nonzeroBitCount
                c.1 &+= (x ^ w.1).nonzeroBitCount
                c.2 &+= (x ^ w.2).nonzeroBitCount
                c.3 &+= (x ^ w.3).nonzeroBitCount
            }
            // New weights each round, so no round repeats the previous one's work.
            w = (w.0 &+ 1, w.1 &+ 1, w.2 &+ 1, w.3 &+ 1)
        }
    }
    let total = c.0 &+ c.1 &+ c.2 &+ c.3
    return (max(0, iterations) * tableWords * 4 * 256, total.wrappedSum())
}
