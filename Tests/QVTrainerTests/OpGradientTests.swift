import Testing
@testable import QVTrainer

@Suite("Op gradients against finite differences")
struct OpGradientTests {
    func variable(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Variable {
        Variable(shape: shape, value: GradientCheck.random(shape.reduce(1, *), seed: seed, scale: scale), requiresGradient: true)
    }

    @Test func addGeluTanh() {
        let a = variable([3, 4], seed: 1, scale: 2), b = variable([3, 4], seed: 2, scale: 2)
        GradientCheck.check([a, b], step: 1e-3) { t, v in t.tanh(t.gelu(t.add(v[0], v[1]))) }
    }

    @Test func layerNorm() {
        let x = variable([3, 6], seed: 3, scale: 2), g = variable([6], seed: 4), b = variable([6], seed: 5)
        GradientCheck.check([x, g, b], step: 1e-3) { t, v in t.layerNorm(v[0], gamma: v[1], beta: v[2], epsilon: 1e-5) }
    }

    @Test func headsAndMaskedSoftmax() {
        // batch 2, length 3, 2 heads of width 2; the second sequence has 2 real tokens.
        let x = variable([6, 4], seed: 6)
        GradientCheck.check([x], step: 1e-3) { t, v in
            let h = t.splitHeads(v[0], batch: 2, heads: 2)
            let p = t.maskedSoftmax(t.batchedMatmul(h, h, transposeB: true, alpha: 0.7), lengths: [3, 2])
            return t.mergeHeads(t.batchedMatmul(p, h), batch: 2)
        }
    }

    @Test func maskedKeysGetNoProbability() {
        let s = Variable(shape: [1, 3, 3], value: GradientCheck.random(9, seed: 8))
        let p = Tape(recording: false).maskedSoftmax(s, lengths: [2])
        for i in 0..<3 {
            #expect(p.value[i * 3 + 2] == 0)
            #expect(abs(p.value[i * 3] + p.value[i * 3 + 1] - 1) < 1e-6)
        }
    }

    @Test func embeddingAndPooling() {
        let table = variable([5, 3], seed: 9)
        let ids: [Int32] = [4, 0, 4, 2, 1, 3]
        GradientCheck.check([table]) { t, v in
            let x = t.embedding(v[0], ids: ids)
            return t.add(t.meanPool(x, lengths: [3, 1]), t.clsPool(x, batch: 2))
        }
    }

    @Test func losses() {
        let logits = variable([3, 4], seed: 10, scale: 3)
        let teacher = GradientCheck.random(12, seed: 11, scale: 3), target = GradientCheck.random(12, seed: 12)
        GradientCheck.check([logits], step: 1e-3) { t, v in
            t.sum([t.crossEntropy(v[0], labels: [1, 3, 0]), t.softCrossEntropy(v[0], teacher: teacher, temperature: 2),
                   t.meanSquaredError(v[0], target: target)], weights: [1, 0.5, 2])
        }
    }

    @Test func dropoutWithItsMask() {
        let x = variable([4, 5], seed: 13)
        GradientCheck.check([x], training: true) { t, v in
            var rng = SplitMix64(seed: 99)
            return t.dropout(v[0], probability: 0.3, rng: &rng)
        }
    }
}

@Suite("BinReg")
struct BinRegTests {
    @Test func gradientMatchesFiniteDifferences() {
        // Fixed steps (binary weights derive theirs; hold a learned one constant instead).
        let w = Variable(shape: [3, 8], value: GradientCheck.random(24, seed: 21, scale: 0.8), requiresGradient: true)
        let q = WeightQuantizer(label: "w", format: .signed2, rule: .learned, rows: 3, perChannel: true)
        q.scales.value = [0.3, 0.25, 0.4]
        q.initialized = true
        // Finite differences of a piecewise function: small steps stay inside the bins.
        GradientCheck.check([w], step: 1e-4, tolerance: 2e-2) { t, v in t.binRegularizer(v[0], by: q) }
    }

    @Test func weightIsZeroForTheFirstQuarterThenRises() {
        #expect(binRegWeight(step: 24, of: 100, maximum: 0.01) == 0)
        #expect(binRegWeight(step: 60, of: 100, maximum: 0.01) > 0)
        #expect(abs(binRegWeight(step: 100, of: 100, maximum: 0.01) - 0.01) < 1e-6)
    }
}
