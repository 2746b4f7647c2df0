import Foundation

/// The `.ckpt.state` sidecar: the model's current parameters (the `.ckpt` holds the best
/// one), AdamW's moments and the run's position, so `--resume` continues bit for bit.
extension FineTuner {
    /// Metadata key of the run's position.
    static let stateKey = "qv.state"

    /// The run's position as JSON.
    struct Position: Codable {
        var epoch, batchInEpoch, step, optimizerStep, bestStep, epochCorrect, epochSeen: Int
        var bestAccuracy, epochLoss: Double
    }

    /// The sidecar of the run now.
    public func stateFile() -> CheckpointFile {
        var file = CheckpointFile(metadata: [BertClassifier.descriptionKey: ModelDescription(model, options: options).json])
        for (p, (m, v)) in zip(model.parameters, state.optimizer.moments) {
            file.tensors["param." + p.name] = CheckpointTensor(shape: p.variable.shape, values: p.variable.value)
            file.tensors["adam.m." + p.name] = CheckpointTensor(shape: p.variable.shape, values: m)
            file.tensors["adam.v." + p.name] = CheckpointTensor(shape: p.variable.shape, values: v)
        }
        let s = state
        let position = Position(epoch: s.epoch, batchInEpoch: s.batchInEpoch, step: s.step, optimizerStep: s.optimizer.step,
                                bestStep: s.bestStep, epochCorrect: s.epochCorrect, epochSeen: s.epochSeen,
                                bestAccuracy: s.bestAccuracy, epochLoss: s.epochLoss)
        file.metadata[Self.stateKey] = String(decoding: (try? JSONEncoder().encode(position)) ?? Data(), as: UTF8.self)
        return file
    }

    /// Restores a sidecar: sets `model`'s parameters and returns the state to resume from.
    public static func restore(_ file: CheckpointFile, into model: BertClassifier) throws(TrainerError) -> TrainingState {
        let position: Position
        do {
            position = try JSONDecoder().decode(Position.self, from: Data(try file.metadata(stateKey).utf8))
        } catch {
            throw TrainerError("\(file.path): no readable run state (\(error)); start without --resume")
        }
        var values: [String: (shape: [Int], values: [Float])] = [:]
        for (name, t) in file.tensors where name.hasPrefix("param.") { values[String(name.dropFirst(6))] = (t.shape, t.values) }
        do { try model.load(values) } catch { throw TrainerError("\(file.path): \(error.message)") }
        var optimizer = AdamW(model.parameters)
        for (n, p) in model.parameters.enumerated() {
            guard let m = file.tensors["adam.m." + p.name], let v = file.tensors["adam.v." + p.name],
                  m.values.count == p.variable.count, v.values.count == p.variable.count else {
                throw TrainerError("\(file.path): optimizer state of '\(p.name)' is missing or mis-sized; start without --resume")
            }
            optimizer.moments[n] = (m.values, v.values)
        }
        optimizer.step = position.optimizerStep
        var state = TrainingState(optimizer: optimizer)
        (state.epoch, state.batchInEpoch, state.step, state.bestStep) = (position.epoch, position.batchInEpoch, position.step, position.bestStep)
        (state.epochCorrect, state.epochSeen, state.bestAccuracy, state.epochLoss) = (position.epochCorrect, position.epochSeen, position.bestAccuracy, position.epochLoss)
        return state
    }
}
