import Glibc

/// Fine-tunes a `BertClassifier` by its recipe: cross-entropy on the labels, distillation from
/// an FP32 teacher, BinReg on the quantized weights, AdamW on a cosine schedule with warm-up and
/// gradient clipping. Deterministic: the same seed, data and threads give bit-identical weights,
/// and a run resumed from a saved `TrainingState` continues exactly where it stopped.
public final class FineTuner {
    /// The student.
    public let model: BertClassifier
    /// The FP32 teacher (distillation), if any.
    public let teacher: BertClassifier?
    /// Run options.
    public let options: TrainingOptions
    /// Training and validation examples.
    public let train: [TrainingExample], validation: [TrainingExample]
    /// Where the run is.
    public var state: TrainingState
    /// Oscillation telemetry.
    public private(set) var oscillation = OscillationTracker()
    private let parameters: [NamedParameter]
    private let schedule: CosineSchedule

    /// A run from the start (or from `state`, to resume).
    public init(model: BertClassifier, teacher: BertClassifier?, options: TrainingOptions, train: [TrainingExample],
                validation: [TrainingExample], state: TrainingState? = nil) {
        self.model = model
        self.teacher = teacher
        self.options = options
        self.train = train
        self.validation = validation
        parameters = model.parameters
        self.state = state ?? TrainingState(optimizer: AdamW(parameters))
        self.schedule = CosineSchedule(peak: options.learningRate, steps: Self.totalSteps(train.count, options), warmup: options.warmup)
        BLAS.setThreads(options.threads)
        HeapReuse.enable()
    }

    /// Sets the trainer's process-wide thread count (a forward pass outside a run uses it too).
    public static func useThreads(_ n: Int) { BLAS.setThreads(n) }

    /// Steps of the whole run.
    public static func totalSteps(_ examples: Int, _ o: TrainingOptions) -> Int {
        let all = o.epochs * ((examples + o.batchSize - 1) / o.batchSize)
        return o.maxSteps > 0 ? min(all, o.maxSteps) : all
    }

    /// Steps of the whole run.
    public var totalSteps: Int { schedule.steps }

    /// Runs to the end, reporting through `events` (progress each step, a report each epoch, a
    /// resumable state every `saveEvery` steps and at each epoch's end).
    public func run(_ events: (TrainingEvent) throws -> Void) rethrows {
        while state.epoch < options.epochs && state.step < totalSteps {
            let batches = epochBatches(train, batchSize: options.batchSize, seed: options.seed, epoch: state.epoch)
            while state.batchInEpoch < batches.count && state.step < totalSteps {
                let (loss, correct) = step(batches[state.batchInEpoch])
                state.batchInEpoch += 1
                state.step += 1
                state.epochLoss += loss
                state.epochCorrect += correct
                state.epochSeen += batches[state.batchInEpoch - 1].count
                try events(.step(StepReport(step: state.step, of: totalSteps, epoch: state.epoch, loss: loss,
                                            accuracy: Double(state.epochCorrect) / Double(max(state.epochSeen, 1)))))
                if state.step % options.saveEvery == 0 && state.step < totalSteps { try events(.save) }
            }
            let finishedEpoch = state.batchInEpoch >= batches.count
            try endEpoch(events, batches: state.batchInEpoch)
            if finishedEpoch { state.epoch += 1; state.batchInEpoch = 0 }
            try events(.save)
        }
    }

    /// Validation, telemetry and the best-model check at an epoch's end (or the run's).
    private func endEpoch(_ events: (TrainingEvent) throws -> Void, batches: Int) rethrows {
        let predictions = Evaluation.predict(model, validation, batchSize: options.batchSize)
        let correct = zip(predictions, validation).filter { $0.0 == $0.1.label }.count
        let accuracy = validation.isEmpty ? Double(state.epochCorrect) / Double(max(state.epochSeen, 1))
                                          : Double(correct) / Double(validation.count)
        let improved = accuracy > state.bestAccuracy
        if improved { state.bestAccuracy = accuracy; state.bestStep = state.step }
        let report = EpochReport(epoch: state.epoch, step: state.step, trainLoss: state.epochLoss / Double(max(batches, 1)),
                                 trainAccuracy: Double(state.epochCorrect) / Double(max(state.epochSeen, 1)),
                                 validationAccuracy: accuracy, improved: improved, oscillation: oscillation.rates,
                                 activations: activationStatistics())
        state.epochLoss = 0; state.epochCorrect = 0; state.epochSeen = 0
        oscillation.reset()
        try events(.epoch(report))
    }

    /// One optimizer step on the examples `indices`; returns the loss and the correct count.
    private func step(_ indices: [Int]) -> (Double, Int) {
        let batch = Batch(sequences: indices.map { train[$0].ids }, labels: indices.map { train[$0].label }, examples: indices,
                          padId: Int32(model.tokenizer.padId))
        let tape = Tape()
        var rng = SplitMix64(seed: options.seed ^ (UInt64(state.step) &* 0x9E37_79B9_7F4A_7C15))
        let out = model.forward(batch, tape: tape, rng: &rng)
        let r = model.recipe
        var terms = [tape.crossEntropy(out.logits, labels: batch.labels)], weights = [r.labelLoss]
        if let teacher, r.distillLogits > 0 || r.distillHidden > 0 {
            var unused = SplitMix64(seed: 0)
            let t = teacher.forward(batch, tape: Tape(recording: false), rng: &unused)
            if r.distillLogits > 0 { terms.append(tape.softCrossEntropy(out.logits, teacher: t.logits.value, temperature: r.temperature)); weights.append(r.distillLogits) }
            if r.distillHidden > 0 {
                for (s, h) in zip(out.hidden, t.hidden) { terms.append(tape.meanSquaredError(s, target: h.value)); weights.append(r.distillHidden) }
            }
        }
        let lambda = binRegWeight(step: state.step, of: totalSteps, maximum: r.binReg)
        if lambda > 0 {
            for lin in model.layers.flatMap(\.linears) { if let q = lin.quantizer { terms.append(tape.binRegularizer(lin.weight, by: q)); weights.append(lambda) } }
        }
        let loss = tape.sum(terms, weights: weights)
        tape.backward(from: loss)
        let clip = AdamW.clippingScale(parameters, maxNorm: options.maxGradientNorm)
        state.optimizer.update(parameters, lr: schedule.rate(at: state.step), gradientScale: clip)
        if model.recipe.formats != nil { oscillation.observe(weightCodes(), step: state.step) }
        let classes = model.labels.count
        let correct = (0..<batch.count).filter { b in Evaluation.argmax(out.logits.value[(b * classes)..<((b + 1) * classes)]) == batch.labels[b] }.count
        return (Double(loss.value[0]), correct)
    }

    /// The codes of every quantized encoder weight.
    private func weightCodes() -> [(label: String, codes: [Int8])] {
        model.layers.flatMap(\.linears).compactMap { lin in
            guard let q = lin.quantizer else { return nil }
            let rows = q.rowQuantizers(lin.weight), columns = lin.inFeatures
            let w = lin.weight.value
            let codes = [Int8](unsafeUninitializedCapacity: w.count) { buffer, n in
                let out = SharedPointer(base: buffer.baseAddress!)
                Parallel.forEach(w.count) { (out.base + $0).initialize(to: Int8(rows[$0 / columns].code(w[$0]))) }
                n = w.count
            }
            return (q.label, codes)
        }
    }

    /// Kurtosis and clamped share at each activation quantizer, on one validation batch.
    private func activationStatistics() -> [ActivationStatistics] {
        guard model.recipe.formats != nil else { return [] }
        let sample = Array((validation.isEmpty ? train : validation).prefix(options.batchSize))
        guard !sample.isEmpty else { return [] }
        var stats: [ActivationStatistics] = []
        let tape = Tape(recording: false)
        tape.observer = { q, x in stats.append(ActivationStatistics(q, x)) }
        var rng = SplitMix64(seed: 0)
        _ = model.forward(Batch(sequences: sample.map(\.ids), labels: sample.map(\.label), examples: Array(sample.indices),
                                padId: Int32(model.tokenizer.padId)), tape: tape, rng: &rng)
        return stats
    }
}
