import QVKernels

/// Where each activation value lives in one arena allocation, planned once from the values'
/// lifetimes for the longest sequence the model accepts, so inference allocates nothing.
struct ArenaPlan {
    /// Byte offset of each value (indexed like the graph's values); -1 for values never used.
    let offsets: [Int]
    /// Byte offset of each step's scratch space.
    let scratchOffsets: [Int]
    /// Total bytes.
    let byteCount: Int

    /// A block to place: bytes and the step range [first, last] during which it must stay intact.
    struct Block {
        let bytes: Int
        let first: Int
        let last: Int
    }

    /// Plans `values` (lifetimes from the steps that write and read them) plus one scratch block
    /// per step. Greedy best-known heuristic: largest first, lowest offset that does not overlap
    /// any placed block whose lifetime intersects.
    init(valueBlocks: [Block?], scratchBlocks: [Block]) {
        var all: [(index: Int, block: Block)] = []
        for (i, b) in valueBlocks.enumerated() { if let b { all.append((i, b)) } }
        for (i, b) in scratchBlocks.enumerated() where b.bytes > 0 { all.append((valueBlocks.count + i, b)) }
        all.sort { $0.block.bytes != $1.block.bytes ? $0.block.bytes > $1.block.bytes : $0.index < $1.index }

        // Placed blocks in offset order: a block's offset is found in one pass over them, skipping
        // those whose lifetimes miss its own and stopping at the first gap it fits (no per-block
        // filtering or sorting, so a hostile graph of many values plans in well under a second).
        var placed: [(offset: Int, block: Block)] = []
        placed.reserveCapacity(all.count)
        var result = [Int](repeating: -1, count: valueBlocks.count + scratchBlocks.count)
        var total = 0
        for (index, block) in all {
            var offset = 0, insertAt = placed.count
            for (i, p) in placed.enumerated() {
                if offset + block.bytes <= p.offset { insertAt = i; break }
                if p.block.first <= block.last && block.first <= p.block.last { offset = max(offset, p.offset + p.block.bytes) }
            }
            // Keep offset order: the new block goes before the first placed block at or past it.
            while insertAt > 0 && placed[insertAt - 1].offset > offset { insertAt -= 1 }
            while insertAt < placed.count && placed[insertAt].offset < offset { insertAt += 1 }
            placed.insert((offset, block), at: insertAt)
            result[index] = offset
            total = max(total, offset + block.bytes)
        }
        offsets = Array(result[0..<valueBlocks.count])
        scratchOffsets = Array(result[valueBlocks.count...]).map { max($0, 0) }
        byteCount = align64(total)
    }
}
