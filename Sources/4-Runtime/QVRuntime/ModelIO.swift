import QVFormat
import QVKernels

/// The contents of one model input for a run: the host's buffer, read during the run only.
public struct ModelInput {
    /// The elements of an input.
    public enum Data {
        /// Int32 elements (token ids, token types, mask): one per token.
        case int32s(UnsafeBufferPointer<Int32>)
        /// FP32 elements in row-major order, as many as the port's shape holds.
        case floats(UnsafeBufferPointer<Float>)
    }

    /// Name of the input port.
    public var name: String
    /// Its contents.
    public var data: Data

    /// The input `name` holding `data`.
    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

extension ModelPort {
    /// What a run puts into an input's place.
    enum Contents {
        /// The host's Int32 values.
        case int32s(UnsafeBufferPointer<Int32>)
        /// The role's default value in every element.
        case repeated(Int32)
        /// The host's FP32 values.
        case floats(UnsafeBufferPointer<Float>)
    }

    /// The contents of this input for a run of `tokens` tokens: what `given` holds for it (of the
    /// right kind and count), else the role's default; throws for a required input not given.
    func contents(in given: [ModelInput], tokens: Int) throws(RuntimeError) -> Contents {
        switch (given.first { $0.name == name }?.data, elements) {
        case (.int32s(let values)?, .int32PerToken): return .int32s(values)
        case (nil, .int32PerToken) where defaultInt32 != nil: return .repeated(defaultInt32!)
        case (.floats(let values)?, .floats):
            guard values.count == count(tokens: tokens) else { throw miscounted(values.count, tokens: tokens) }
            return .floats(values)
        case (nil, _): throw missing
        default: throw mistyped
        }
    }
}

/// The outputs of one run, as views into the session's arena: valid while the session lives and
/// until it runs again. A view must not outlive this value or the session — read it in the same
/// scope that keeps the session, or take a copy (`copy(_:)`).
public struct ModelOutputs {
    /// The session whose arena holds the outputs.
    let session: InferenceSession
    /// Tokens of the run.
    public let tokens: Int

    /// FP32 contents of the output named `name`, if the model has an FP32 output of that name.
    public func floats(_ name: String) -> UnsafeBufferPointer<Float>? {
        session.model.outputs.first { $0.name == name && $0.elements == .floats }.map { session.floats($0, tokens: tokens) }
    }

    /// FP32 contents of the first output of `role`, if the model has one.
    public func floats(role: QVB.IORole) -> UnsafeBufferPointer<Float>? {
        session.model.outputs.first { $0.role == role && $0.elements == .floats }.map { session.floats($0, tokens: tokens) }
    }

    /// A copy of the FP32 output named `name` that outlives the run and the session.
    public func copy(_ name: String) -> [Float]? {
        withExtendedLifetime(session) { floats(name).map(Array.init) }
    }

    /// The codes of the codes output named `name`, unpacked to rows × features in logical order
    /// (a copy), if the model has such an output.
    public func codes(_ name: String) -> [Int32]? {
        session.model.outputs.first { $0.name == name && $0.elements == .codes }.map { session.codes($0, tokens: tokens) }
    }
}

/// The outputs of one text-model inference (`run(ids:)`, `run(text:tokenizer:)`), copied out of
/// the arena: the ids it ran on, its embedding and its logits.
public struct TextOutput: Sendable {
    /// Token ids the model ran on.
    public var ids: [Int32]
    /// Pooled (and, where the model says so, normalised) sentence embedding.
    public var embedding: [Float]?
    /// Classifier logits.
    public var logits: [Float]?

    /// The outputs of a run on `ids`.
    public init(ids: [Int32], embedding: [Float]?, logits: [Float]?) {
        self.ids = ids
        self.embedding = embedding
        self.logits = logits
    }

    /// Softmax of the logits.
    public var probabilities: [Float]? {
        guard var p = logits, !p.isEmpty else { return nil }
        p.withUnsafeMutableBufferPointer { softmaxInPlace($0.baseAddress!, count: $0.count) }
        return p
    }

    /// Index of the largest logit.
    public var predictedClass: Int? {
        guard let logits, !logits.isEmpty else { return nil }
        return logits.indices.max { logits[$0] < logits[$1] }
    }
}

extension QVModel {
    /// The token ids input holding `ids`, for the text conveniences `run(ids:)`.
    func tokenIdsInput(_ ids: UnsafeBufferPointer<Int32>) throws(RuntimeError) -> ModelInput {
        guard let port = input(role: .tokenIds) else {
            throw RuntimeError(.invalidInput, "the model takes no token ids; run it with run(inputs:)")
        }
        return ModelInput(name: port.name, data: .int32s(ids))
    }
}

extension InferenceSession {
    /// Runs a text model on `ids` (token types 0, every token attended), calling `observer`, if
    /// given, with every value each step writes, and copies out its embedding and logits.
    public func run(ids: [Int32], observer: ValueObserver? = nil) throws(RuntimeError) -> TextOutput {
        let outputs = try ids.withUnsafeBufferPointer { buffer throws(RuntimeError) in
            try run(inputs: [try model.tokenIdsInput(buffer)], observer: observer)
        }
        return TextOutput(ids: ids, embedding: outputs.floats(role: .embedding).map(Array.init),
                           logits: outputs.floats(role: .logits).map(Array.init))
    }
}
