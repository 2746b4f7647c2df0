// The fastest XOR-popcount loop AVX2 allows, for measuring this CPU's ceiling of the binary GEMM:
// vpxor + vpshufb nibble-table popcount + vpsadbw + vpaddq on data that stays in L1.
#if arch(x86_64)

/// Runs `iterations` rounds of XOR + popcount + add: each round combines 32 L1-resident 256-bit
/// words with 4 register-resident ones (the shape of the AVX2 GEMM tile: four broadcast weight
/// words) and accumulates the counts. Returns the bits combined (binary multiply-accumulates) and
/// a checksum of all counts, which depends on every popcount so no work can be optimised away.
@inline(never)
public func xorPopcountCeilingAVX2(iterations: Int) -> (bits: Int, checksum: UInt64) {
    let tableWords = 32
    let table = UnsafeMutableRawPointer.allocate(byteCount: tableWords * 32, alignment: 32)
        .bindMemory(to: SIMD4<UInt64>.self, capacity: tableWords)
    defer { table.deallocate() }
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    for index in 0..<tableWords {
        var lanes = SIMD4<UInt64>()
        for lane in 0..<4 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            lanes[lane] = seed
        }
        table[index] = lanes
    }
    var w = (SIMD4<UInt64>(repeating: 0x0123_4567_89AB_CDEF), SIMD4<UInt64>(repeating: 0x5555_5555_5555_5555),
             SIMD4<UInt64>(repeating: 0x3333_3333_3333_3333), SIMD4<UInt64>(repeating: 0xFEDC_BA98_7654_3210))
    var c = (SIMD4<UInt64>(), SIMD4<UInt64>(), SIMD4<UInt64>(), SIMD4<UInt64>())
    for _ in 0..<max(0, iterations) {
        for index in 0..<tableWords {
            let x = table[index]
            c.0 &+= (x ^ w.0).nonzeroBitCount
            c.1 &+= (x ^ w.1).nonzeroBitCount
            c.2 &+= (x ^ w.2).nonzeroBitCount
            c.3 &+= (x ^ w.3).nonzeroBitCount
        }
        // New weights each round, so no round repeats the previous one's work.
        w = (w.0 &+ 1, w.1 &+ 1, w.2 &+ 1, w.3 &+ 1)
    }
    let total = c.0 &+ c.1 &+ c.2 &+ c.3
    return (max(0, iterations) * tableWords * 4 * 256, total.wrappedSum())
}
#endif
