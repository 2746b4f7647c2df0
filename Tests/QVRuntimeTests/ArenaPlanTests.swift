import Testing
@testable import QVRuntime

/// The arena planner: blocks whose lifetimes overlap never share bytes, blocks whose lifetimes
/// don't may, and the arena is no larger than the blocks laid end to end.
@Suite struct ArenaPlanTests {
    /// Blocks of a small chain-shaped graph plus scratch: every pair that is live at the same
    /// step lands in disjoint byte ranges.
    @Test func overlappingLifetimesNeverShareBytes() {
        let blocks: [ArenaPlan.Block?] = [
            .init(bytes: 4096, first: 0, last: 2), .init(bytes: 1024, first: 1, last: 1), nil,
            .init(bytes: 8192, first: 2, last: 4), .init(bytes: 64, first: 3, last: 5), .init(bytes: 4096, first: 5, last: 6),
        ]
        let scratch = (0..<7).map { ArenaPlan.Block(bytes: $0 % 2 == 0 ? 2048 : 0, first: $0, last: $0) }
        let plan = ArenaPlan(valueBlocks: blocks, scratchBlocks: scratch)
        var placed: [(range: Range<Int>, block: ArenaPlan.Block)] = []
        for (i, b) in blocks.enumerated() { if let b { placed.append((plan.offsets[i] ..< plan.offsets[i] + b.bytes, b)) } }
        for (i, b) in scratch.enumerated() where b.bytes > 0 {
            placed.append((plan.scratchOffsets[i] ..< plan.scratchOffsets[i] + b.bytes, b))
        }
        #expect(plan.offsets[2] == -1, "an unused value gets no place")
        for (i, a) in placed.enumerated() {
            #expect(a.range.upperBound <= plan.byteCount)
            for b in placed[(i + 1)...] where a.block.first <= b.block.last && b.block.first <= a.block.last {
                #expect(!a.range.overlaps(b.range), "\(a.range) and \(b.range) are live together")
            }
        }
        let endToEnd = placed.reduce(0) { $0 + $1.block.bytes }
        #expect(plan.byteCount <= (endToEnd + 63) & ~63)
        #expect(plan.byteCount % 64 == 0)
    }

    /// Two large blocks that are never live together reuse the same bytes.
    @Test func disjointLifetimesShareBytes() {
        let plan = ArenaPlan(valueBlocks: [.init(bytes: 1 << 20, first: 0, last: 1), .init(bytes: 1 << 20, first: 2, last: 3)],
                             scratchBlocks: [])
        #expect(plan.offsets == [0, 0])
        #expect(plan.byteCount == 1 << 20)
    }
}
