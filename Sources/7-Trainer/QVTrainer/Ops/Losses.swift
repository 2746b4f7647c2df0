import Glibc

/// Losses and reductions to a scalar.
extension Tape {
    /// `Σ_i weights[i] · x_i` (a scalar; the gradient checks' loss).
    public func weightedSum(_ x: Variable, weights: [Float]) -> Variable {
        precondition(weights.count == x.count, "weightedSum: \(weights.count) weights for \(x.count) values")
        var s: Double = 0
        for i in 0..<x.count { s += Double(weights[i]) * Double(x.value[i]) }
        let result = output([1], [Float(s)], from: x)
        record(result) { dy in x.accumulate(weights.map { $0 * dy[0] }) }
        return result
    }

    /// Mean cross-entropy of `logits` `[batch, classes]` against class indices `labels`.
    public func crossEntropy(_ logits: Variable, labels: [Int]) -> Variable {
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        precondition(labels.count == batch && labels.allSatisfy { (0..<classes).contains($0) }, "crossEntropy: labels out of range")
        let p = Self.softmaxRows(logits.value, classes: classes, temperature: 1)
        var loss: Double = 0
        for b in 0..<batch { loss -= log(Double(max(p[b * classes + labels[b]], .leastNormalMagnitude))) }
        let result = output([1], [Float(loss / Double(batch))], from: logits)
        record(result) { dy in
            var g = p
            for b in 0..<batch { g[b * classes + labels[b]] -= 1 }
            let k = dy[0] / Float(batch)
            logits.accumulate(g.map { $0 * k })
        }
        return result
    }

    /// Distillation: mean over the batch of `T² · CE(softmax(teacher/T), softmax(logits/T))`
    /// (soft cross-entropy; the T² keeps gradients comparable across temperatures).
    public func softCrossEntropy(_ logits: Variable, teacher: [Float], temperature t: Float = 1) -> Variable {
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        precondition(teacher.count == logits.count, "softCrossEntropy: teacher \(teacher.count) for \(logits.shape)")
        let ps = Self.softmaxRows(logits.value, classes: classes, temperature: t)
        let pt = Self.softmaxRows(teacher, classes: classes, temperature: t)
        var loss: Double = 0
        for i in 0..<logits.count { loss -= Double(pt[i]) * log(Double(max(ps[i], .leastNormalMagnitude))) }
        let result = output([1], [Float(loss * Double(t * t) / Double(batch))], from: logits)
        record(result) { dy in
            let k = dy[0] * t / Float(batch)
            logits.accumulate((0..<logits.count).map { (ps[$0] - pt[$0]) * k })
        }
        return result
    }

    /// Mean squared error of `x` against a constant `target` of the same count.
    public func meanSquaredError(_ x: Variable, target: [Float]) -> Variable {
        precondition(target.count == x.count, "meanSquaredError: target \(target.count) for \(x.count)")
        var s: Double = 0
        for i in 0..<x.count { let d = Double(x.value[i] - target[i]); s += d * d }
        let result = output([1], [Float(s / Double(max(x.count, 1)))], from: x)
        record(result) { dy in
            let k = 2 * dy[0] / Float(max(x.count, 1))
            x.accumulate((0..<x.count).map { (x.value[$0] - target[$0]) * k })
        }
        return result
    }

    /// Sum of scalars (loss terms).
    public func sum(_ terms: [Variable], weights: [Float]? = nil) -> Variable {
        let w = weights ?? [Float](repeating: 1, count: terms.count)
        precondition(terms.allSatisfy { $0.count == 1 } && w.count == terms.count, "sum: scalars only")
        let total = zip(terms, w).reduce(Float(0)) { $0 + $1.0.value[0] * $1.1 }
        let result = Variable(shape: [1], value: [total], requiresGradient: recording && terms.contains { $0.requiresGradient })
        record(result) { dy in for (x, k) in zip(terms, w) where x.requiresGradient { x.accumulate([dy[0] * k]) } }
        return result
    }

    /// Row-wise softmax of `values / temperature` over rows of `classes` (max-subtracted).
    static func softmaxRows(_ values: [Float], classes: Int, temperature: Float) -> [Float] {
        var p = values
        for r in 0..<(values.count / classes) {
            let row = (r * classes)..<((r + 1) * classes)
            let m = values[row].max()!
            var s: Float = 0
            for i in row { p[i] = expf((values[i] - m) / temperature); s += p[i] }
            for i in row { p[i] /= s }
        }
        return p
    }
}
