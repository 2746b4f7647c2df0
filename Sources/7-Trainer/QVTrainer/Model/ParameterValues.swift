/// A checkpoint's view of a model: every parameter by name, and loading them back.
extension BertClassifier {
    /// Every parameter's name, shape and values, in `parameters` order.
    public var parameterValues: [(name: String, shape: [Int], values: [Float])] {
        parameters.map { ($0.name, $0.variable.shape, $0.variable.value) }
    }

    /// Sets every parameter from `values` (by name; shapes must match) and marks the quantizers
    /// initialised. Throws naming the first missing or mis-sized tensor.
    public func load(_ values: [String: (shape: [Int], values: [Float])]) throws(TrainerError) {
        for p in parameters {
            guard let v = values[p.name] else { throw TrainerError("checkpoint has no tensor '\(p.name)'; it was written for another model or recipe") }
            guard v.shape == p.variable.shape, v.values.count == p.variable.count else {
                throw TrainerError("checkpoint tensor '\(p.name)' has shape \(v.shape), the model needs \(p.variable.shape)")
            }
            p.variable.value = v.values
        }
        for q in activationQuantizers { q.initialized = true }
        for q in weightQuantizers { q.initialized = true }
    }

    /// Every activation quantizer (encoder and head), each once.
    public var activationQuantizers: [ActivationQuantizer] {
        layers.flatMap { $0.quantizers?.all ?? [] } + [headQuantizers?.pooler, headQuantizers?.classifier].compactMap { $0 }
    }

    /// Every weight quantizer of the linear layers and tables.
    public var weightQuantizers: [WeightQuantizer] {
        (layers.flatMap(\.linears) + [pooler, classifier].compactMap { $0 }).compactMap(\.quantizer) + (tableQuantizers ?? [])
    }
}

/// A trainer error: one line, what and where and what to do.
public struct TrainerError: Error, CustomStringConvertible {
    /// The message.
    public let message: String
    /// An error with `message`.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}
