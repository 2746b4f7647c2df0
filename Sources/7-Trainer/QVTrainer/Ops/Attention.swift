import Glibc

/// The pieces of multi-head self-attention over a padded batch: head split and merge, and the
/// softmax over each query's real keys. With `batchedMatmul` they make
/// `softmax(q·kᵀ·s + mask)·v` per head.
extension Tape {
    /// `[batch·length, heads·d]` → `[batch·heads, length, d]`.
    public func splitHeads(_ x: Variable, batch: Int, heads: Int) -> Variable {
        let (length, d) = (x.shape[0] / batch, x.shape.last! / heads)
        let y = Self.permuteHeads(x.value, batch: batch, length: length, heads: heads, d: d, split: true)
        let result = output([batch * heads, length, d], y, from: x)
        record(result) { dy in x.accumulate(Self.permuteHeads(dy, batch: batch, length: length, heads: heads, d: d, split: false)) }
        return result
    }

    /// `[batch·heads, length, d]` → `[batch·length, heads·d]` (the inverse of `splitHeads`).
    public func mergeHeads(_ x: Variable, batch: Int) -> Variable {
        let (heads, length, d) = (x.shape[0] / batch, x.shape[1], x.shape[2])
        let y = Self.permuteHeads(x.value, batch: batch, length: length, heads: heads, d: d, split: false)
        let result = output([batch * length, heads * d], y, from: x)
        record(result) { dy in x.accumulate(Self.permuteHeads(dy, batch: batch, length: length, heads: heads, d: d, split: true)) }
        return result
    }

    /// Row-wise softmax of `scores` `[batch·heads, length, length]` over the keys of each
    /// sequence's real tokens (`lengths[b]` of them); padded keys get probability 0.
    public func maskedSoftmax(_ scores: Variable, lengths: [Int]) -> Variable {
        let (groups, length) = (scores.shape[0], scores.shape[1])
        precondition(scores.shape[2] == length && groups % lengths.count == 0, "maskedSoftmax: \(scores.shape)")
        let heads = groups / lengths.count
        var p = [Float](repeating: 0, count: scores.count)
        let out = SharedPointer(base: p.withUnsafeMutableBufferPointer { $0.baseAddress! })
        scores.value.withUnsafeBufferPointer { sv in
            Parallel.forEach(groups * length, grain: 64) { row in
                let keys = lengths[row / length / heads], base = row * length
                var m = -Float.infinity
                for j in 0..<keys { m = max(m, sv[base + j]) }
                var s: Float = 0
                for j in 0..<keys { let e = expf(sv[base + j] - m); out.base[base + j] = e; s += e }
                let inv = 1 / s
                for j in 0..<keys { out.base[base + j] *= inv }
            }
        }
        let result = output(scores.shape, p, from: scores)
        record(result) { dy in
            var dx = [Float](repeating: 0, count: p.count)
            let grad = SharedPointer(base: dx.withUnsafeMutableBufferPointer { $0.baseAddress! })
            Parallel.forEach(groups * length, grain: 64) { row in
                let base = row * length
                var dot: Float = 0
                for j in 0..<length { dot += dy[base + j] * p[base + j] }
                for j in 0..<length { grad.base[base + j] = p[base + j] * (dy[base + j] - dot) }
            }
            scores.accumulate(dx)
        }
        return result
    }

    /// Moves values between token-major `[b][t][h][d]` and head-major `[b][h][t][d]`.
    static func permuteHeads(_ v: [Float], batch: Int, length: Int, heads: Int, d: Int, split: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: v.count)
        v.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for b in 0..<batch {
                    for t in 0..<length {
                        for h in 0..<heads {
                            let tokenMajor = ((b * length + t) * heads + h) * d
                            let headMajor = ((b * heads + h) * length + t) * d
                            let (from, to) = split ? (tokenMajor, headMajor) : (headMajor, tokenMajor)
                            (dst.baseAddress! + to).update(from: src.baseAddress! + from, count: d)
                        }
                    }
                }
            }
        }
        return out
    }
}
