/// The knobs of one fine-tuning run (`qvc finetune` flags).
public struct TrainingOptions: Codable, Equatable, Sendable {
    /// Passes over the training split.
    public var epochs = 3
    /// Sequences per step.
    public var batchSize = 32
    /// Peak learning rate (AdamW, cosine schedule with warm-up).
    public var learningRate: Float = 5e-5
    /// Share of the steps that warm up.
    public var warmup: Float = 0.1
    /// Global gradient-norm limit.
    public var maxGradientNorm: Float = 1
    /// Tokens per sequence, special tokens included (longer texts are truncated).
    public var maxLength = 128
    /// OpenBLAS threads.
    public var threads = 2
    /// Seed of initialisation, data order and dropout.
    public var seed: UInt64 = 1
    /// Steps between resumable state saves (and at every epoch's end).
    public var saveEvery = 200
    /// Stop after this many steps in all (0: no limit) — for tests and quick looks.
    public var maxSteps = 0

    /// The defaults.
    public init() {}
}

/// One tokenized example.
public struct TrainingExample: Sendable, Equatable {
    /// Token ids with [CLS] … [SEP], truncated.
    public let ids: [Int32]
    /// Class index.
    public let label: Int

    /// An example.
    public init(ids: [Int32], label: Int) {
        self.ids = ids
        self.label = label
    }
}

/// The order of one epoch: examples shuffled by `(seed, epoch)`, cut into chunks of 50 batches,
/// each chunk sorted by length (length bucketing: little padding), then the batches shuffled.
/// A function of `(seed, epoch)` only, so a resumed run sees the same batches.
public func epochBatches(_ examples: [TrainingExample], batchSize: Int, seed: UInt64, epoch: Int) -> [[Int]] {
    var rng = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(epoch))
    var order = Array(examples.indices)
    order.shuffle(using: &rng)
    var batches: [[Int]] = []
    let chunk = batchSize * 50
    for start in stride(from: 0, to: order.count, by: chunk) {
        let sorted = order[start..<min(start + chunk, order.count)].sorted {
            (examples[$0].ids.count, $0) < (examples[$1].ids.count, $1)
        }
        for b in stride(from: 0, to: sorted.count, by: batchSize) { batches.append(Array(sorted[b..<min(b + batchSize, sorted.count)])) }
    }
    batches.shuffle(using: &rng)
    return batches
}
