import QVKernelsMath

/// The trainer's copy of the kernels' shared lane math (QVKernelsMath, baseline ISA): the same
/// GELU, erf and exponential the runtime's epilogues run, 16 floats at a time.
enum TrainerISA: VectorISA {}

/// Shared lane math at the trainer's ISA.
typealias TrainerLanes = Lanes16<TrainerISA>

extension Parallel {
    /// `[f(a[i], b[i])]` over `count` floats at `a` and `b`, 16 at a time in parallel chunks of
    /// whole 16-float blocks (the last block padded with zeros, which are never stored).
    static func mapLanes(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int,
                         _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                let out = SharedPointer(base: buffer.baseAddress!)
                chunks((count + 15) / 16, grain: 256) { blocks in
                    for block in blocks {
                        let at = block * 16, n = min(16, count - at)
                        TrainerLanes.store(f(TrainerLanes.load(a + at, count: n), TrainerLanes.load(b + at, count: n)), to: out.base + at, count: n)
                    }
                }
            }
            initialized = count
        }
    }
}

extension TrainerLanes {
    /// The `count` (≤ 16) floats at `p`, zero-padded.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, count: Int) -> SIMD16<Float> {
        count == 16 ? loadSixteen(p) : loadSixteen(p, count: count, filler: 0)
    }

    /// Stores the first `count` (≤ 16) lanes of `v` at `p`.
    @inline(__always)
    static func store(_ v: SIMD16<Float>, to p: UnsafeMutablePointer<Float>, count: Int) {
        if count == 16 { storeSixteen(v, to: p) } else { storeSixteen(v, to: p, count: count) }
    }
}

extension Parallel {
    /// `[f(r, row r's values 16 at a time)]` over a row-major `[rows, columns]` matrix, rows in
    /// parallel chunks (each row's last block zero-padded, its padding never stored).
    static func mapRowLanes(_ x: [Float], rows: Int, columns: Int, _ f: (Int, SIMD16<Float>) -> SIMD16<Float>) -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            if rows * columns > 0 {
                let out = SharedPointer(base: buffer.baseAddress!)
                x.withUnsafeBufferPointer { xs in
                    let input = xs.baseAddress!
                    chunks(rows, grain: max(1, 4096 / max(columns, 1))) { range in
                        for r in range {
                            for at in stride(from: r * columns, to: (r + 1) * columns, by: 16) {
                                let n = min(16, (r + 1) * columns - at)
                                TrainerLanes.store(f(r, TrainerLanes.load(input + at, count: n)), to: out.base + at, count: n)
                            }
                        }
                    }
                }
            }
            initialized = rows * columns
        }
    }
}
