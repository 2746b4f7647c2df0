/// The binary GEMM's ceiling on this CPU: the ways its ISA can count bits, each as its tightest
/// loop on L1-resident data; the honest ceiling is the fastest of them, so a kernel above 100 %
/// means a way is missing (bench-only: `qvc bench --kernels`, tools/binary-gemm-bench).
import QVKernels
#if arch(x86_64)
import CQVBenchCeilings
import QVBenchCeilingsAVX512
#endif

/// What one run of a bit-counting loop did.
public struct BinaryPopcountCeilingRun: Sendable {
    /// Binary multiply-accumulates performed: bits combined and counted (compare with M·N·K of a
    /// 1-bit `integerGemm`).
    public let multiplyAccumulates: Int
    /// Depends on every count (or, for the C loops, which keep their counts alive themselves, is
    /// the work done), so the loop cannot be optimised away.
    public let checksum: UInt64
}

/// One way to combine and count bits, as a ceiling loop.
public struct BitCountingMethod: Sendable {
    /// The instructions, for the report.
    public let name: String
    private let loop: @Sendable (Int) -> BinaryPopcountCeilingRun

    /// Runs `iterations` rounds. Nothing is timed here: the caller times the call and divides
    /// `multiplyAccumulates` by the seconds to get the rate in MAC/s.
    public func run(iterations: Int) -> BinaryPopcountCeilingRun { loop(max(0, iterations)) }

    init(_ name: String, _ loop: @escaping @Sendable (Int) -> BinaryPopcountCeilingRun) {
        self.name = name
        self.loop = loop
    }

    #if arch(x86_64)
    /// A C loop that returns the bits it counted.
    init(_ name: String, counting loop: @escaping @Sendable (UInt64) -> UInt64) {
        self.init(name) { iterations in
            let bits = loop(UInt64(iterations))
            return BinaryPopcountCeilingRun(multiplyAccumulates: Int(bits), checksum: bits)
        }
    }
    #endif
}

/// The ways the binary GEMM of `path` could count bits on this CPU (a path the CPU lacks counts
/// as the best kernel below it, as `BinaryCountKernel` does): AVX-512 VPOPCNTDQ has one
/// instruction for it; AVX2 has nibble lookups, scalar popcnt, both at once and Harley–Seal;
/// elsewhere the portable loop.
public func bitCountingMethods(path: KernelPath) -> [BitCountingMethod] {
    switch BinaryCountKernel(path: path) {
    case .portable:
        return [BitCountingMethod("xor+popcount (portable)") { xorPopcountCeilingPortable(iterations: $0) }]
    #if arch(x86_64)
    case .avx512:
        return [BitCountingMethod("vpxorq+vpopcntq (avx512)") { iterations in
            let run = xorPopcountCeilingAVX512(iterations: iterations)
            return BinaryPopcountCeilingRun(multiplyAccumulates: run.bits, checksum: run.checksum)
        }]
    case .avx2:
        return [
            BitCountingMethod("vpshufb nibbles (avx2)", counting: qv_avx2_nibble_popcount_ceiling),
            BitCountingMethod("scalar popcnt", counting: qv_scalar_popcount_ceiling),
            BitCountingMethod("vpshufb + 2 popcnt", counting: { qv_avx2_nibble_and_scalar_popcount_ceiling($0, 2) }),
            BitCountingMethod("vpshufb + 4 popcnt", counting: { qv_avx2_nibble_and_scalar_popcount_ceiling($0, 4) }),
            BitCountingMethod("vpshufb + 6 popcnt", counting: { qv_avx2_nibble_and_scalar_popcount_ceiling($0, 6) }),
            BitCountingMethod("Harley-Seal (avx2)", counting: qv_avx2_harley_seal_ceiling),
        ]
    #endif
    }
}

/// The portable loop: 32 L1-resident `SIMD4<UInt64>` words × 4 register-resident ones per round.
@inline(never)
private func xorPopcountCeilingPortable(iterations: Int) -> BinaryPopcountCeilingRun {
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
        for _ in 0..<iterations {
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
    return BinaryPopcountCeilingRun(multiplyAccumulates: iterations * tableWords * 4 * 256, checksum: total.wrappedSum())
}
