/// Ops that pick rows: embedding lookups and pooling over a padded batch.
extension Tape {
    /// Rows `ids` of `table` `[rows, width]` → `[ids.count, width]`; gradients scatter-add.
    public func embedding(_ table: Variable, ids: [Int32]) -> Variable {
        let (rows, width) = (table.shape[0], table.shape[1])
        precondition(ids.allSatisfy { $0 >= 0 && Int($0) < rows }, "embedding: id out of range for \(rows) rows")
        var y = [Float](repeating: 0, count: ids.count * width)
        for (n, id) in ids.enumerated() {
            for i in 0..<width { y[n * width + i] = table.value[Int(id) * width + i] }
        }
        let result = output([ids.count, width], y, from: table)
        record(result) { dy in
            table.accumulate { dt in
                for (n, id) in ids.enumerated() { for i in 0..<width { dt[Int(id) * width + i] += dy[n * width + i] } }
            }
        }
        return result
    }

    /// Mean over each sequence's real tokens: `x` `[batch·length, width]` → `[batch, width]`.
    public func meanPool(_ x: Variable, lengths: [Int]) -> Variable {
        let batch = lengths.count, width = x.shape.last!, length = x.shape[0] / batch
        var y = [Float](repeating: 0, count: batch * width)
        for b in 0..<batch {
            for t in 0..<lengths[b] { for i in 0..<width { y[b * width + i] += x.value[(b * length + t) * width + i] } }
            let inv = 1 / Float(max(lengths[b], 1))
            for i in 0..<width { y[b * width + i] *= inv }
        }
        let result = output([batch, width], y, from: x)
        record(result) { dy in
            x.accumulate { dx in
                for b in 0..<batch {
                    let inv = 1 / Float(max(lengths[b], 1))
                    for t in 0..<lengths[b] { for i in 0..<width { dx[(b * length + t) * width + i] += dy[b * width + i] * inv } }
                }
            }
        }
        return result
    }

    /// The first token's row of each sequence: `[batch·length, width]` → `[batch, width]`.
    public func clsPool(_ x: Variable, batch: Int) -> Variable {
        let width = x.shape.last!, length = x.shape[0] / batch
        var y = [Float](repeating: 0, count: batch * width)
        for b in 0..<batch { for i in 0..<width { y[b * width + i] = x.value[b * length * width + i] } }
        let result = output([batch, width], y, from: x)
        record(result) { dy in
            x.accumulate { dx in for b in 0..<batch { for i in 0..<width { dx[b * length * width + i] += dy[b * width + i] } } }
        }
        return result
    }
}
