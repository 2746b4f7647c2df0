import QVFormat

/// Whole-graph checks made once when a model loads, after each op has been bound on its own:
/// together with the bindings they guarantee that no step reads memory nothing wrote, writes
/// memory another value owns, or takes a token input in the wrong role — and that the
/// configuration a file describes is the graph it holds.
struct GraphValidation {
    /// The file's metadata.
    let model: QVB.Model
    /// Layouts of all values.
    let layouts: [ValueLayout]
    /// The bound steps, one per op.
    let steps: [Step]
    /// The bound ports.
    let inputs: [ModelPort], outputs: [ModelPort]

    /// Throws the first violation, naming the op or value.
    func check() throws(RuntimeError) {
        try checkDataflow()
        try checkTokenRoles()
        try checkLabels()
        if let bert = model.bert { try check(bert) }
    }

    /// Every value an op reads is a model input or was written by an earlier op; each value is
    /// written by one op only (no op runs in place), never a model input, never one of the op's
    /// own inputs; every model output is written.
    private func checkDataflow() throws(RuntimeError) {
        var writer = [Int?](repeating: nil, count: model.values.count)
        let inputValues = Set(inputs.map { $0.value })
        func name(_ v: Int) -> String { model.values[v].name }
        for (i, op) in model.ops.enumerated() {
            for v in op.inputs where writer[v] == nil && !inputValues.contains(v) {
                throw .graph(op.name, "reads value '\(name(v))' before any op writes it")
            }
            for v in op.outputs {
                if inputValues.contains(v) { throw .graph(op.name, "writes the model input '\(name(v))'") }
                if op.inputs.contains(v) { throw .graph(op.name, "writes '\(name(v))', one of its own inputs (no op runs in place)") }
                if let w = writer[v] {
                    throw .graph(op.name, "writes '\(name(v))', which op '\(model.ops[w].name)' already wrote (each value has one writer)")
                }
                writer[v] = i
            }
        }
        for port in outputs where writer[port.value] == nil && !inputValues.contains(port.value) {
            throw RuntimeError(.invalidGraph, "model output '\(port.name)' is never written; recompile the model with qvc")
        }
    }

    /// Token inputs are read in their roles: an embedding's ids and token types are the model's
    /// token-ids and token-types inputs, and every other Int32 an op reads is its attention mask.
    private func checkTokenRoles() throws(RuntimeError) {
        var roles: [Int: QVB.IORole] = [:]
        for port in inputs { roles[port.value] = port.role }
        for op in model.ops {
            for (i, v) in op.inputs.enumerated() where layouts[v].elements == .int32 {
                let wanted: QVB.IORole = op.attributes == .embedding ? (i == 0 ? .tokenIds : .tokenTypes) : .attentionMask
                guard roles[v] == wanted else {
                    throw .graph(op.name, "reads '\(model.values[v].name)' as its \(wanted) input, but that value is "
                                 + (roles[v].map { "the model's \($0) input" } ?? "no model input"))
                }
            }
        }
    }

    /// Class labels name the columns of the logits output, and only a model with logits has them.
    private func checkLabels() throws(RuntimeError) {
        let labels = model.bert?.labels ?? []
        guard !labels.isEmpty else { return }
        guard let logits = outputs.first(where: { $0.role == .logits }) else {
            throw RuntimeError(.invalidGraph, "the model names \(labels.count) class labels but has no logits output; recompile it with qvc")
        }
        guard logits.columns == labels.count, logits.rowCount == .fixed(1) else {
            throw RuntimeError(.invalidGraph, "the model names \(labels.count) class labels but its logits output '\(logits.name)' "
                               + "has shape \(logits.shape); recompile it with qvc")
        }
    }

    /// The BERT configuration the file describes (and `qvc inspect` shows) is the graph's.
    private func check(_ bert: QVB.BertConfig) throws(RuntimeError) {
        func contradicts(_ field: String, _ stated: String, _ actual: String) -> RuntimeError {
            RuntimeError(.invalidGraph, "the BERT configuration says \(field) \(stated), the graph has \(actual); recompile the model with qvc")
        }
        var attention: [AttentionStep] = [], embedding: EmbeddingStep?
        for step in steps {
            switch step {
            case .attention(let a): attention.append(a)
            case .embedding(let e): embedding = embedding ?? e
            default: break
            }
        }
        guard attention.count == bert.layers else { throw contradicts("layers", "\(bert.layers)", "\(attention.count)") }
        for a in attention where a.heads != bert.heads { throw contradicts("heads", "\(bert.heads)", "\(a.heads)") }
        for (op, step) in zip(model.ops, steps) {
            if case .layerNorm(let epsilon) = op.attributes, epsilon != bert.layerNormEps {
                throw contradicts("layer_norm_eps", "\(bert.layerNormEps)", "\(epsilon) in '\(op.name)'")
            }
            if case .linear(.gelu) = op.attributes, case .linear(let l) = step, l.outFeatures != bert.intermediate {
                throw contradicts("intermediate_size", "\(bert.intermediate)", "\(l.outFeatures) in '\(op.name)'")
            }
        }
        guard let e = embedding else { throw RuntimeError(.invalidGraph, "the model is a BERT without an embedding op; recompile it with qvc") }
        guard e.width == bert.hidden else { throw contradicts("hidden", "\(bert.hidden)", "\(e.width)") }
        guard e.word.rows == bert.vocabSize else { throw contradicts("vocab_size", "\(bert.vocabSize)", "\(e.word.rows)") }
        guard e.position.rows == bert.maxPositions else { throw contradicts("max_position_embeddings", "\(bert.maxPositions)", "\(e.position.rows)") }
        guard e.tokenType.rows == bert.typeVocabSize else { throw contradicts("type_vocab_size", "\(bert.typeVocabSize)", "\(e.tokenType.rows)") }
    }
}
