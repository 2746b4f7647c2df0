import QVFormat
import QVKernels

/// A plain scalar interpreter of the same graph the fast path runs: weights unpacked to integer
/// codes, every product a naive loop over logical row-major arrays, every code formed one element
/// at a time by `Quantizer.code`. It shares with the fast path only the quantizer definition,
/// the packed-field reader (`PackedMatrix.code`) and the FP32 row functions (LayerNorm, softmax,
/// GELU), so any difference in the integer kernels, packing or arrangement shows up as
/// different codes or accumulators.
public struct ReferenceExecutor {
    /// The model it interprets.
    public let model: QVModel

    /// A reference interpreter of `model`.
    public init(model: QVModel) { self.model = model }

    /// One output of a reference run.
    public enum Output: Equatable {
        /// FP32 contents.
        case floats([Float])
        /// Codes in logical order (rows × features).
        case codes([Int32])

        /// The FP32 contents, nil for codes.
        public var floats: [Float]? {
            if case .floats(let x) = self { return x }
            return nil
        }
    }

    /// Runs `inputs` like `InferenceSession.run(inputs:observer:)`, reporting codes in logical
    /// order, and returns every output, in the model's output order. Each op runs its own
    /// scalar reference (`OpStep.reference`).
    public func run(inputs given: [ModelInput], observer: ValueObserver? = nil) throws(RuntimeError) -> [Output] {
        let n = try model.tokenCount(given)
        var state = ReferenceState(layouts: model.layouts, tokens: n)
        for port in model.inputs {
            switch try port.contents(in: given, tokens: n) {
            case .int32s(let x): state.codes[port.value] = Array(x)
            case .repeated(let value): state.codes[port.value] = [Int32](repeating: value, count: n)
            case .floats(let x): state.values[port.value] = Array(x)
            }
        }
        let phase = ReferencePhase(state)
        let ops = model.metadata.ops
        for (i, step) in model.steps.enumerated() {
            try step.accept(phase)
            guard let observer else { continue }
            for v in ops[i].outputs {
                if !phase.state.codes[v].isEmpty { observer(v, .codes(phase.state.codes[v])) }
                else { phase.state.values[v].withUnsafeBufferPointer { observer(v, .floats($0)) } }
            }
        }
        return model.outputs.map { $0.elements == .codes ? .codes(phase.state.codes[$0.value]) : .floats(phase.state.values[$0.value]) }
    }

    /// Runs a text model on `ids` like `InferenceSession.run(ids:observer:)`.
    public func run(ids: [Int32], observer: ValueObserver? = nil) throws(RuntimeError) -> TextOutput {
        let outputs = try ids.withUnsafeBufferPointer { buffer throws(RuntimeError) in
            try run(inputs: [try model.tokenIdsInput(buffer)], observer: observer)
        }
        func output(_ role: QVB.IORole) -> [Float]? { model.outputs.firstIndex { $0.role == role }.flatMap { outputs[$0].floats } }
        return TextOutput(ids: ids, embedding: output(.embedding), logits: output(.logits))
    }
}
