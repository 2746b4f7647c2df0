import Testing
import QVQuant
@testable import QVTrainer

extension SerialTrainerSuites {
    /// The tape's fake-quantization ops (16-lane, chunked over threads) against the contract's scalar
    /// rule: the forward is `Quantizer.fakeQuantize` to the bit, the input gradient is the STE's to
    /// the bit, and the step and offset gradients are the scaled sums of the scalar gradients.
    @Suite("Fake-quantization ops", .serialized)
    struct FakeQuantizeOpTests {
        /// Loss `Σ w·y` backward through `f`; returns y.
        func run(_ weights: [Float], _ f: (Tape) -> Variable) -> [Float] {
            let tape = Tape(recording: true)
            let y = f(tape)
            tape.backward(from: tape.weightedSum(y, weights: weights))
            return y.value
        }

        /// Relative closeness of two sums formed in different orders.
        func close(_ a: Float, _ b: Float) -> Bool { abs(a - b) <= 1e-4 * max(abs(a), abs(b), 1e-3) }

        @Test(arguments: [QuantFormat.unsigned2, .unsigned8, .binary, .unsigned1], [1, 2])
        func activations(format: QuantFormat, threads: Int) {
            Parallel.threads = threads
            defer { Parallel.threads = 1 }
            let n = 3 * 4096 + 37   // several chunks and a ragged last block
            let values = GradientCheck.random(n, seed: 3, scale: 2), dy = GradientCheck.random(n, seed: 4)
            let x = Variable(shape: [n], value: values, requiresGradient: true)
            let aq = ActivationQuantizer(label: "a", format: format, learnsOffset: true)
            let q = Quantizer(format: format, scale: 0.3, offset: -0.2)
            aq.set(q)
            let y = run(dy) { $0.fakeQuantize(x, by: aq) }
            #expect(y.indices.allSatisfy { y[$0].bitPattern == q.fakeQuantize(values[$0]).bitPattern })
            #expect(x.grad.indices.allSatisfy { x.grad[$0] == dy[$0] * q.straightThroughGradient(values[$0]) })
            let g = 1 / (Float(n) * Float(max(format.codeMax, 1))).squareRoot()
            var step: Double = 0, offset: Double = 0
            for i in 0..<n { step += Double(dy[i] * q.stepSizeGradient(values[i])); offset += Double(dy[i] * q.offsetGradient(values[i])) }
            #expect(close(aq.scale.grad[0], g * Float(step)), "step gradient \(aq.scale.grad[0]) vs \(g * Float(step))")
            #expect(close(aq.offset!.grad[0], g * Float(offset)), "offset gradient \(aq.offset!.grad[0]) vs \(g * Float(offset))")
        }

        @Test(arguments: [QuantFormat.signed2, .signed8], [true, false])
        func learnedWeights(format: QuantFormat, perChannel: Bool) {
            let rows = 5, columns = 50   // ragged rows: 3 whole blocks and 2 lanes
            let values = GradientCheck.random(rows * columns, seed: 5), dy = GradientCheck.random(rows * columns, seed: 6)
            let w = Variable(shape: [rows, columns], value: values, requiresGradient: true)
            let wq = WeightQuantizer(label: "w", format: format, rule: .learned, rows: rows, perChannel: perChannel)
            let quantizers = wq.rowQuantizers(w)
            let y = run(dy) { $0.fakeQuantize(weights: w, by: wq) }
            #expect(y.indices.allSatisfy { y[$0].bitPattern == quantizers[$0 / columns].fakeQuantize(values[$0]).bitPattern })
            #expect(w.grad.indices.allSatisfy { w.grad[$0] == dy[$0] * quantizers[$0 / columns].straightThroughGradient(values[$0]) })
            let g = 1 / (Float(perChannel ? columns : rows * columns) * Float(format.codeMax)).squareRoot()
            let rowSums = (0..<rows).map { r in
                (0..<columns).reduce(0.0) { $0 + Double(dy[r * columns + $1] * quantizers[r].stepSizeGradient(values[r * columns + $1])) }
            }
            let expected = perChannel ? rowSums.map { g * Float($0) } : [g * Float(rowSums.reduce(0, +))]
            #expect(zip(wq.scales.grad, expected).allSatisfy { close($0, $1) }, "\(wq.scales.grad) vs \(expected)")
        }
    }
}
