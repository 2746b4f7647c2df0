import QVFormat
import QVKernels

/// A loaded `.qvb` model: the verified file and its graph bound to runnable steps, with its named
/// inputs and outputs. Immutable once made; any number of sessions may run it. Text models'
/// tokenizers live in QVText, above the runtime.
public final class QVModel {
    /// The verified file the model reads its constants from (zero-copy).
    public let file: QVBFile
    /// What the host fills before a run, in the file's order.
    public let inputs: [ModelPort]
    /// What the host reads after a run, in the file's order.
    public let outputs: [ModelPort]
    /// Longest sequence the tokens dimension takes (0 when no value has one).
    public let maxTokens: Int

    let layouts: [ValueLayout]
    let steps: [Step]

    /// The file's metadata.
    public var metadata: QVB.Model { file.model }

    /// Class labels of a classification head, empty for an embedder.
    public var labels: [String] { file.model.bert?.labels ?? [] }

    /// Binds the graph of `file`; throws if any op, value, constant or port does not fit.
    public init(file: QVBFile) throws(RuntimeError) {
        self.file = file
        let m = file.model
        var layouts: [ValueLayout] = []
        for v in m.values { layouts.append(try ValueLayout(v)) }
        var tensors: [ConstantTensor] = []
        for (i, t) in m.tensors.enumerated() {
            tensors.append(ConstantTensor(name: t.name, type: t.type, shape: t.shape, quant: t.quant,
                                          rowStride: t.rowStride, layout: t.layout, bytes: file.tensorBytes(i)))
        }
        var steps: [Step] = []
        for op in m.ops { steps.append(try Step(OpBinding(op: op, layouts: layouts, tensors: tensors))) }
        guard !steps.isEmpty else { throw RuntimeError(.invalidGraph, "the model has no ops; recompile it with qvc") }
        self.layouts = layouts
        self.steps = steps
        inputs = try m.inputs.map { port throws(RuntimeError) in try ModelPort(port, layouts: layouts, side: .input) }
        outputs = try m.outputs.map { port throws(RuntimeError) in try ModelPort(port, layouts: layouts, side: .output) }
        guard !outputs.isEmpty else { throw RuntimeError(.invalidGraph, "the model declares no outputs; recompile it with qvc") }
        try GraphValidation(model: m, layouts: layouts, steps: steps, inputs: inputs, outputs: outputs).check()

        let usesTokens = layouts.contains { $0.rows == .tokens }
        var limit = usesTokens ? m.maxTokens : 0
        for case .embedding(let e) in steps { limit = min(limit, e.position.rows) }
        if usesTokens {
            guard limit >= 2 else { throw RuntimeError(.invalidGraph, "the model accepts fewer than 2 tokens; recompile it with qvc") }
            guard inputs.contains(where: { $0.rowCount == .tokens }) else {
                throw RuntimeError(.invalidGraph, "values have a tokens dimension but no input sets the token count; recompile it with qvc")
            }
        }
        for case .attention(let a) in steps where a.rowCount == .tokens && a.groupRows > limit {
            throw RuntimeError(.invalidGraph, "attention groups of \(a.groupRows) rows exceed the \(limit) tokens the model takes; recompile it with qvc")
        }
        maxTokens = limit
    }

    /// Rows of the word-embedding table the token ids index, if the model embeds tokens.
    public var wordEmbeddingRows: Int? {
        for case .embedding(let e) in steps { return e.word.rows }
        return nil
    }

    /// The first input of `role`, if the model has one.
    public func input(role: QVB.IORole) -> ModelPort? { inputs.first { $0.role == role } }

    /// The first output of `role`, if the model has one.
    public func output(role: QVB.IORole) -> ModelPort? { outputs.first { $0.role == role } }

    /// The token count the given inputs set (every input with a tokens dimension must agree),
    /// checked against `maxTokens`; 0 for a model without a tokens dimension.
    func tokenCount(_ given: [ModelInput]) throws(RuntimeError) -> Int {
        var tokens: Int?
        for input in given {
            guard let port = inputs.first(where: { $0.name == input.name }) else {
                throw RuntimeError(.invalidInput, "the model has no input named '\(input.name)'")
            }
            guard port.rowCount == .tokens else { continue }
            let count: Int
            switch (input.data, port.elements) {
            case (.int32s(let values), .int32PerToken): count = values.count
            case (.floats(let values), .floats):
                guard values.count % port.columns == 0 else {
                    throw RuntimeError(.invalidInput, "input '\(port.name)' has \(values.count) floats, not whole rows of \(port.columns)")
                }
                count = values.count / port.columns
            default: throw port.mistyped
            }
            if let tokens, tokens != count {
                throw RuntimeError(.invalidInput, "input '\(port.name)' has \(count) tokens, another input \(tokens)")
            }
            tokens = count
        }
        guard maxTokens > 0 else { return 0 }
        guard let tokens else {
            throw RuntimeError(.invalidInput, "no input gives the token count; the model needs '\(inputs.first { $0.rowCount == .tokens }?.name ?? "")'")
        }
        guard tokens >= 1, tokens <= maxTokens else {
            throw RuntimeError(.invalidInput, "\(tokens) tokens; the model takes 1 to \(maxTokens)")
        }
        return tokens
    }
}

/// A named model input or output as the runtime binds it: the value, its role, and the
/// elements a host passes or reads.
public struct ModelPort: Sendable {
    /// The elements of a port.
    public enum Elements: Sendable, Equatable {
        /// One Int32 per token (ids, token types, mask).
        case int32PerToken
        /// FP32, `count(tokens:)` of them in row-major order.
        case floats
        /// Packed integer codes (an output only; read them with `ModelOutputs.codes`).
        case codes
    }

    /// Name the host uses.
    public let name: String
    /// What the value is.
    public let role: QVB.IORole
    /// Dimensions as the file declares them (-1 is the token count).
    public let shape: [Int]
    /// Kind of elements.
    public let elements: Elements
    /// Index of the value in the graph.
    let value: Int
    /// Rows (for a token count) and elements per row, for element counts.
    let rowCount: RowCount, columns: Int

    /// Which side of the model a port is on.
    enum Side: String { case input, output }

    init(_ port: QVB.Port, layouts: [ValueLayout], side: Side) throws(RuntimeError) {
        func bad(_ what: String) -> RuntimeError {
            RuntimeError(.invalidGraph, "model \(side.rawValue) '\(port.name)': \(what); recompile the model with qvc")
        }
        guard layouts.indices.contains(port.value) else { throw bad("value \(port.value) does not exist") }
        let layout = layouts[port.value]
        name = port.name
        role = port.role
        shape = layout.shape
        value = port.value
        rowCount = layout.rows
        switch (port.role, layout.elements) {
        case (.tokenIds, .int32), (.tokenTypes, .int32), (.attentionMask, .int32):
            guard side == .input, layout.rows == .tokens else { throw bad("a token input must be one Int32 per token") }
            elements = .int32PerToken
            columns = 1
        case (.tensor, .float(let c)), (.image, .float(let c)), (.embedding, .float(let c)), (.logits, .float(let c)):
            elements = .floats
            columns = c
        case (.tensor, .codes(let features, _, _)) where side == .output:
            elements = .codes
            columns = features
        default:
            throw bad("role \(port.role) does not fit the value '\(layout.name)'")
        }
    }

    /// The value an Int32 input takes when the host gives none: 0 for token types, 1 for the
    /// attention mask; nil where the input is required.
    var defaultInt32: Int32? {
        switch role {
        case .tokenTypes: return 0
        case .attentionMask: return 1
        default: return nil
        }
    }

    /// The error for a required input the host did not give.
    var missing: RuntimeError { RuntimeError(.invalidInput, "input '\(name)' (\(role)) was not given") }
    /// The error for an input given with the wrong element type.
    var mistyped: RuntimeError {
        RuntimeError(.invalidInput, "input '\(name)' takes \(elements == .floats ? "FP32" : "Int32") values")
    }

    /// The error for an FP32 input given with `count` floats where `count(tokens:)` are needed.
    func miscounted(_ count: Int, tokens: Int) -> RuntimeError {
        RuntimeError(.invalidInput, "input '\(name)' has \(count) floats; shape \(shape) needs \(self.count(tokens: tokens))")
    }

    /// Elements the port holds for a sequence of `tokens` tokens.
    public func count(tokens: Int) -> Int { rowCount.rows(tokens: tokens) * columns }
}
