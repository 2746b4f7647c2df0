/// Where a run is: enough to continue it bit for bit (with the model's parameters).
public struct TrainingState {
    /// Epoch in progress and batches of it done.
    public var epoch = 0, batchInEpoch = 0
    /// Optimizer steps taken.
    public var step = 0
    /// AdamW moments.
    public var optimizer: AdamW
    /// Best validation accuracy so far and the step it was seen at.
    public var bestAccuracy = -1.0, bestStep = 0
    /// Running sums of the epoch in progress.
    public var epochLoss = 0.0, epochCorrect = 0, epochSeen = 0

    /// A state at the start.
    public init(optimizer: AdamW) { self.optimizer = optimizer }
}

/// What a run reports.
public enum TrainingEvent {
    /// A step finished.
    case step(StepReport)
    /// An epoch finished (validated).
    case epoch(EpochReport)
    /// A resumable point: the caller saves `FineTuner.state` and the model now.
    case save
}

/// One step.
public struct StepReport: Sendable {
    /// Steps done and in all, epoch in progress.
    public let step: Int, of: Int, epoch: Int
    /// The step's loss, and the epoch's running training accuracy.
    public let loss: Double, accuracy: Double
}

/// One epoch.
public struct EpochReport {
    /// Epoch and the step it ended at.
    public let epoch: Int, step: Int
    /// Mean training loss and accuracy of the epoch.
    public let trainLoss: Double, trainAccuracy: Double
    /// Accuracy on the validation split.
    public let validationAccuracy: Double
    /// Whether this is the best validation so far (the caller keeps this model).
    public let improved: Bool
    /// Oscillation rate per quantized weight matrix during the epoch.
    public let oscillation: [(label: String, rate: Double)]
    /// Kurtosis and clamped share per activation quantizer.
    public let activations: [ActivationStatistics]
}
