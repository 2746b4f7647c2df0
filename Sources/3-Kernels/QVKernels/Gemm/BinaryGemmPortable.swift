/// Portable counting kernel of the 1-bit GEMM (`SIMD4<UInt64>` + `nonzeroBitCount`): per tile,
/// 4 activation rows (half a panel, one vector per word) × 4 weight rows read in place, each
/// weight word broadcast. The last word of every row is masked to the K valid bits.
func binaryCountsPortable<Combine: PopcountCombine>(_ block: BinaryCountBlock, combine: Combine.Type) {
    let panels = block.panels
    let mask = SIMD4<UInt64>(repeating: panels.lastWordMask)
    for quad in 0..<((block.weightRows + 3) / 4) {
        func weightRow(_ index: Int) -> UnsafeRawPointer {
            block.weights + min(quad * 4 + index, block.weightRows - 1) * block.weightStride
        }
        let w0 = weightRow(0), w1 = weightRow(1), w2 = weightRow(2), w3 = weightRow(3)
        for panel in 0..<(2 * panels.panelPairs) {
            for half in 0..<2 {
                var c0 = SIMD4<UInt64>(), c1 = SIMD4<UInt64>(), c2 = SIMD4<UInt64>(), c3 = SIMD4<UInt64>()
                for word in 0..<panels.words {
                    let a = UnsafeRawPointer(panels.word(word, ofPanel: panel) + 4 * half).loadUnaligned(as: SIMD4<UInt64>.self)
                    let keep = word == panels.words - 1 ? mask : SIMD4(repeating: ~0)
                    c0 &+= (Combine.combine(a, broadcast(w0, word: word)) & keep).nonzeroBitCount
                    c1 &+= (Combine.combine(a, broadcast(w1, word: word)) & keep).nonzeroBitCount
                    c2 &+= (Combine.combine(a, broadcast(w2, word: word)) & keep).nonzeroBitCount
                    c3 &+= (Combine.combine(a, broadcast(w3, word: word)) & keep).nonzeroBitCount
                }
                let firstRow = 8 * panel + 4 * half
                for lane in 0..<4 {
                    let offset = (firstRow + lane) * BinaryCountBlock.countStride + 4 * quad
                    let row = SIMD4<Int32>(truncatingIfNeeded: SIMD4(c0[lane], c1[lane], c2[lane], c3[lane]))
                    UnsafeMutableRawPointer(block.counts + offset).storeBytes(of: row, as: SIMD4<Int32>.self)
                }
            }
        }
    }
}

/// Word `word` of the packed row at `row`, broadcast to all lanes.
@inline(__always)
private func broadcast(_ row: UnsafeRawPointer, word: Int) -> SIMD4<UInt64> {
    SIMD4(repeating: UInt64(littleEndian: row.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)))
}
