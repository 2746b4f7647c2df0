import Testing
@testable import QVTrainer

extension SerialTrainerSuites {
    @Suite("Fine-tuning a tiny BERT", .serialized)
    struct FineTunerTests {
        /// Mean loss of the first and last `k` steps of a run.
        func lossEnds(_ bits: String, steps: Int) -> (first: Double, last: Double) {
            let tuner = FineTuner(model: TinyTask.model(bits), teacher: nil, options: TinyTask.options(steps: steps),
                                  train: TinyTask.examples(256, seed: 1), validation: TinyTask.examples(64, seed: 2))
            var losses: [Double] = []
            tuner.run { if case .step(let s) = $0 { losses.append(s.loss) } }
            let k = 10
            return (losses.prefix(k).reduce(0, +) / Double(k), losses.suffix(k).reduce(0, +) / Double(k))
        }

        @Test(arguments: ["fp32", "w8a8", "w4a4", "w2a2", "w1a1"]) func lossFalls(bits: String) {
            let (first, last) = lossEnds(bits, steps: 80)
            #expect(last < 0.8 * first, "\(bits): loss \(first) → \(last)")
        }

        /// Weights after a run of `steps`, optionally stopped at `stopAt` and resumed in a fresh
        /// model and tuner from the saved parameters and state.
        func weights(_ bits: String, steps: Int, stopAt: Int? = nil, threads: Int = 1) -> [[Float]] {
            let train = TinyTask.examples(128, seed: 1), validation = TinyTask.examples(32, seed: 2)
            var options = TinyTask.options(steps: steps)
            options.threads = threads
            var model = TinyTask.model(bits)
            var tuner = FineTuner(model: model, teacher: nil, options: options, train: train, validation: validation)
            if let stopAt {
                struct Stop: Error {}
                var saved: (values: [String: (shape: [Int], values: [Float])], state: TrainingState)?
                do {
                    try tuner.run { event in
                        if case .save = event, tuner.state.step <= stopAt {
                            saved = (Dictionary(uniqueKeysWithValues: model.parameterValues.map { ($0.name, ($0.shape, $0.values)) }), tuner.state)
                        }
                        if tuner.state.step >= stopAt { throw Stop() }
                    }
                } catch {}
                model = TinyTask.model(bits)
                try! model.load(saved!.values)
                tuner = FineTuner(model: model, teacher: nil, options: options, train: train, validation: validation, state: saved!.state)
            }
            tuner.run { _ in }
            return model.parameterValues.map(\.values)
        }

        @Test(arguments: ["fp32", "w2a2"], [1, 2]) func sameSeedSameWeights(bits: String, threads: Int) {
            let same = weights(bits, steps: 30, threads: threads) == weights(bits, steps: 30, threads: threads)
            #expect(same)
        }

        @Test(arguments: ["fp32", "w2a2", "w1a1"]) func resumedRunEndsBitIdentical(bits: String) {
            let same = weights(bits, steps: 30, stopAt: 17) == weights(bits, steps: 30)
            #expect(same)
        }
    }
}
