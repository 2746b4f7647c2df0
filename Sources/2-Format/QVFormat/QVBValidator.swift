import QVQuant

/// A way in which a model's parts do not fit together, described with where it is.
struct QVBInconsistency: Error {
    /// What is wrong and where.
    let message: String
}

/// The consistency rules of a `.qvb` model that the FlatBuffers verifier cannot know: indices
/// in range, tensor bytes matching type and shape, quantization parameters matching the
/// tensor, sane attributes. The writer applies them before writing, the reader after reading,
/// so every file qv writes is one qv reads, and a file that passes cannot make the runtime trap.
struct QVBValidator {
    /// Largest token bound (and attention group) a model may declare, so sizes planned from it
    /// stay far from overflow.
    static let maxTokens = 1 << 16
    /// Most ops, values and tensors a model may declare (BERT-large has ~400 ops, Swin-B ~800):
    /// keeps the load-time passes over the graph short — the arena planner's is quadratic in the
    /// values live at once, ~0.3 s for a hostile graph at the cap.
    static let maxGraphItems = 1 << 13

    /// The model to check.
    let model: QVB.Model
    /// Uncompressed byte count of each section.
    let sectionSizes: [Int]

    /// Throws the first inconsistency found.
    func check() throws(QVBInconsistency) {
        for (what, count) in [("ops", model.ops.count), ("values", model.values.count), ("tensors", model.tensors.count)]
        where count > QVBValidator.maxGraphItems {
            throw QVBInconsistency("the model declares \(count) \(what), over the \(QVBValidator.maxGraphItems) qv accepts")
        }
        for (index, tensor) in model.tensors.enumerated() { try check(tensor, index: index) }
        try checkTensorsDisjoint()
        for (index, value) in model.values.enumerated() { try check(value, index: index) }
        for (index, op) in model.ops.enumerated() { try check(op, index: index) }
        try checkIO()
        if let tokenizer = model.tokenizer { try check(tokenizer) }
        if let bert = model.bert { try check(bert) }
        if model.family == .bert && model.bert == nil {
            throw QVBInconsistency("model family is bert but the BERT configuration is missing")
        }
    }

    // MARK: Tensors and values

    /// No two tensors share bytes (each is a constant of its own; empty tensors occupy none).
    private func checkTensorsDisjoint() throws(QVBInconsistency) {
        let placed = model.tensors.indices.filter { model.tensors[$0].size > 0 }.sorted {
            let a = model.tensors[$0], b = model.tensors[$1]
            return (a.section, a.offset, $0) < (b.section, b.offset, $1)
        }
        for (previous, next) in zip(placed, placed.dropFirst()) {
            let a = model.tensors[previous], b = model.tensors[next]
            if a.section == b.section, a.offset + a.size > b.offset {
                throw QVBInconsistency("tensors \(previous) '\(a.name)' and \(next) '\(b.name)' overlap in section \(a.section) "
                                       + "(bytes \(a.offset)..<\(a.offset + a.size) and \(b.offset)..<\(b.offset + b.size))")
            }
        }
    }

    private func check(_ tensor: QVB.Tensor, index: Int) throws(QVBInconsistency) {
        let place = "tensor \(index) '\(tensor.name)'"
        guard sectionSizes.indices.contains(tensor.section) else {
            throw QVBInconsistency("\(place) is in section \(tensor.section), but there are \(sectionSizes.count) sections")
        }
        let sectionSize = sectionSizes[tensor.section]
        guard tensor.offset >= 0, tensor.offset % QVBSchema.sectionAlignment == 0 else {
            throw QVBInconsistency("\(place) starts at offset \(tensor.offset), not a multiple of \(QVBSchema.sectionAlignment)")
        }
        guard tensor.size >= 0, tensor.offset <= sectionSize, tensor.size <= sectionSize - tensor.offset else {
            throw QVBInconsistency("\(place) spans bytes \(tensor.offset)..<\(tensor.offset &+ tensor.size) but section "
                                   + "\(tensor.section) has \(sectionSize) bytes")
        }
        guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
            throw QVBInconsistency("\(place) has shape \(describe(shape: tensor.shape)) with a negative dimension")
        }
        try checkSize(of: tensor, place: place)
        try check(tensor.quant, type: tensor.type, shape: tensor.shape, place: place)
    }

    private func checkSize(of tensor: QVB.Tensor, place: String) throws(QVBInconsistency) {
        let rowLength = tensor.shape.last ?? 1
        guard let rows = product(tensor.shape.dropLast()), let elements = product(tensor.shape) else {
            throw QVBInconsistency("\(place) has shape \(describe(shape: tensor.shape)), too many elements")
        }
        let expected: Int?
        if tensor.layout == .panels16 {
            guard tensor.type == .f32, tensor.shape.count == 2, tensor.rowStride == 0 else {
                throw QVBInconsistency("\(place) is stored in 16-column panels, which needs a 2-D f32 tensor with row stride 0; "
                                       + "it is \(tensor.type) of shape \(describe(shape: tensor.shape)) with row stride \(tensor.rowStride)")
            }
            expected = QVB.TensorLayout.panelBytes(shape: tensor.shape)
        } else if tensor.type.isPacked {
            // packedBytes(count:) without overflow: a hostile row length must not trap.
            guard let rowBits = product([rowLength, tensor.type.bits]) else {
                throw QVBInconsistency("\(place) has shape \(describe(shape: tensor.shape)), too many elements")
            }
            // Rows are padded to the kernels' alignment and no further: a stride is the padded
            // width exactly, so no two tensors' rows can overlap and no row reads past its bytes.
            let rowBytes = rowBits / 8 + (rowBits % 8 == 0 ? 0 : 1)
            let padded = packedRowStride(bytes: rowBytes)
            guard tensor.rowStride == padded else {
                throw QVBInconsistency("\(place) has row stride \(tensor.rowStride), but a row of \(rowLength) "
                                       + "\(tensor.type) elements is stored in \(padded) bytes (\(rowBytes) padded to \(packedRowAlignment))")
            }
            expected = product([rows, tensor.rowStride])
        } else {
            guard tensor.rowStride == 0 else {
                throw QVBInconsistency("\(place) is dense \(tensor.type) but has row stride \(tensor.rowStride) (must be 0)")
            }
            expected = product([elements, 4])
        }
        guard let expected, expected == tensor.size else {
            throw QVBInconsistency("\(place) (\(tensor.type), shape \(describe(shape: tensor.shape)), row stride \(tensor.rowStride)) "
                                   + "has \(tensor.size) bytes, expected \(expected.map { String($0) } ?? "too many")")
        }
    }

    private func check(_ value: QVB.Value, index: Int) throws(QVBInconsistency) {
        let place = "value \(index) '\(value.name)'"
        guard value.shape.allSatisfy({ $0 >= -1 }) else {
            throw QVBInconsistency("\(place) has shape \(describe(shape: value.shape)); dimensions must be -1 (sequence length) or more")
        }
        // Fixed dimensions small enough that arena sizes computed from them cannot overflow.
        guard let fixed = product(value.shape.filter { $0 >= 0 }), fixed <= Int(Int32.max) else {
            throw QVBInconsistency("\(place) has shape \(describe(shape: value.shape)), over 2^31 elements per token")
        }
        guard value.heads >= 1 else {
            throw QVBInconsistency("\(place) has \(value.heads) heads; at least 1 is needed")
        }
        try check(value.quant, type: value.type, shape: value.shape, place: place)
    }

    /// Quantization must match the element type: present exactly for packed types, a format of
    /// QVQuant's traits table stored as this type, one positive finite scale per channel,
    /// offsets absent or one per scale.
    private func check(_ quant: QVB.Quantization?, type: QVB.ElementType, shape: [Int], place: String)
        throws(QVBInconsistency)
    {
        guard let quant else {
            if type.isPacked { throw QVBInconsistency("\(place) has \(type) codes but no quantization") }
            return
        }
        guard type.isPacked else {
            throw QVBInconsistency("\(place) is \(type) but has quantization parameters; only packed codes are quantized")
        }
        guard quant.format(storedAs: type) != nil else {
            throw QVBInconsistency("\(place) stores \(type) codes with quantization \(quant.scheme) \(quant.bits)-bit, "
                                   + "which do not match")
        }
        try checkParameters(quant, shape: shape, place: place)
    }

    private func checkParameters(_ quant: QVB.Quantization, shape: [Int], place: String) throws(QVBInconsistency) {
        let channels: Int
        if quant.axis == -1 {
            channels = 1
        } else {
            guard shape.indices.contains(quant.axis), shape[quant.axis] >= 0 else {
                throw QVBInconsistency("\(place) is quantized along axis \(quant.axis) of shape \(describe(shape: shape)), which is not a fixed dimension")
            }
            channels = shape[quant.axis]
        }
        guard quant.scale.count == channels, quant.offset.isEmpty || quant.offset.count == channels else {
            throw QVBInconsistency("\(place) has \(quant.scale.count) scales and \(quant.offset.count) offsets for "
                                   + "\(channels) channel(s) (axis \(quant.axis)); expected \(channels) of each (offsets may be empty)")
        }
        guard quant.scale.allSatisfy({ $0 > 0 && $0.isFinite }), quant.offset.allSatisfy({ $0.isFinite }) else {
            throw QVBInconsistency("\(place) has a scale that is not positive and finite, or an offset that is not finite")
        }
    }

    // MARK: Graph

    private func check(_ op: QVB.Op, index: Int) throws(QVBInconsistency) {
        let place = "op \(index) '\(op.name)'"
        for input in op.inputs where !model.values.indices.contains(input) {
            throw QVBInconsistency("\(place) reads value \(input), but there are \(model.values.count) values")
        }
        for output in op.outputs where !model.values.indices.contains(output) {
            throw QVBInconsistency("\(place) writes value \(output), but there are \(model.values.count) values")
        }
        for weight in op.weights where !model.tensors.indices.contains(weight) {
            throw QVBInconsistency("\(place) uses tensor \(weight), but there are \(model.tensors.count) tensors")
        }
        switch op.attributes {
        case .layerNorm(let epsilon), .l2Normalize(let epsilon):
            guard epsilon >= 0, epsilon.isFinite else {
                throw QVBInconsistency("\(place) has an epsilon that is negative or not finite")
            }
        case .attention(let heads, let scoreScale, let probs, let groupRows):
            guard heads >= 1, scoreScale.isFinite, (0...QVBValidator.maxTokens).contains(groupRows) else {
                throw QVBInconsistency("\(place) has \(heads) heads, score scale \(scoreScale) and \(groupRows) group rows; "
                                       + "it needs at least 1 head, a finite scale and 0...\(QVBValidator.maxTokens) group rows")
            }
            if let probs {
                guard probs.scheme == .unsignedOffset, probs.format != nil, probs.axis == -1,
                      probs.offset.allSatisfy({ $0 == 0 }) else {
                    throw QVBInconsistency("\(place) quantizes probabilities as \(probs.scheme) \(probs.bits)-bit along "
                                           + "axis \(probs.axis); they must be unsigned, per tensor, offset 0")
                }
                try checkParameters(probs, shape: [], place: "\(place) probabilities")
            }
        case .embedding, .quantize, .linear, .meanPool, .clsPool, .softmax:
            break
        }
    }

    /// Ports name values in range, with names unique on each side, roles that fit the side and
    /// appear at most once (but `tensor`), and no value both an input and an output, or two inputs.
    private func checkIO() throws(QVBInconsistency) {
        let inputRoles: Set<QVB.IORole> = [.tensor, .tokenIds, .tokenTypes, .attentionMask, .image]
        let outputRoles: Set<QVB.IORole> = [.tensor, .embedding, .logits]
        try check(model.inputs, side: "input", roles: inputRoles)
        try check(model.outputs, side: "output", roles: outputRoles)
        let inputValues = Set(model.inputs.map { $0.value })
        guard inputValues.count == model.inputs.count else {
            throw QVBInconsistency("two model inputs name the same value; each input needs a value of its own")
        }
        for port in model.outputs where inputValues.contains(port.value) {
            throw QVBInconsistency("model output '\(port.name)' is value \(port.value), which is also an input")
        }
        guard (0...QVBValidator.maxTokens).contains(model.maxTokens) else {
            throw QVBInconsistency("max_tokens \(model.maxTokens) is outside 0...\(QVBValidator.maxTokens)")
        }
    }

    private func check(_ ports: [QVB.Port], side: String, roles: Set<QVB.IORole>) throws(QVBInconsistency) {
        var names: Set<String> = [], seen: Set<QVB.IORole> = []
        for port in ports {
            let place = "model \(side) '\(port.name)'"
            guard !port.name.isEmpty, names.insert(port.name).inserted else {
                throw QVBInconsistency("model \(side) names must be non-empty and unique; '\(port.name)' is not")
            }
            guard model.values.indices.contains(port.value) else {
                throw QVBInconsistency("\(place) is value \(port.value), but there are \(model.values.count) values")
            }
            guard roles.contains(port.role) else { throw QVBInconsistency("\(place) has role \(port.role), which no \(side) can have") }
            guard port.role == .tensor || seen.insert(port.role).inserted else {
                throw QVBInconsistency("\(place) repeats role \(port.role); a model has at most one \(side) of that role")
            }
        }
    }

    // MARK: Configuration

    private func check(_ tokenizer: QVB.Tokenizer) throws(QVBInconsistency) {
        let ids = [("unk_id", tokenizer.unkId), ("cls_id", tokenizer.clsId), ("sep_id", tokenizer.sepId),
                   ("pad_id", tokenizer.padId)] + tokenizer.specialIds.map { ("special id", $0) }
        for (name, id) in ids where !tokenizer.vocab.indices.contains(id) {
            throw QVBInconsistency("tokenizer \(name) is \(id), but the vocabulary has \(tokenizer.vocab.count) tokens")
        }
        guard tokenizer.maxLength >= 0, tokenizer.maxInputCharsPerWord >= 0 else {
            throw QVBInconsistency("tokenizer max_length \(tokenizer.maxLength) / max_input_chars_per_word "
                                   + "\(tokenizer.maxInputCharsPerWord) must not be negative")
        }
    }

    private func check(_ bert: QVB.BertConfig) throws(QVBInconsistency) {
        guard bert.heads >= 1, bert.hidden >= 0, bert.hidden % bert.heads == 0 else {
            throw QVBInconsistency("BERT configuration has hidden size \(bert.hidden) and \(bert.heads) heads; "
                                   + "the hidden size must be a multiple of a positive head count")
        }
        guard bert.layerNormEps >= 0, bert.layerNormEps.isFinite else {
            throw QVBInconsistency("BERT configuration has a layer_norm_eps that is negative or not finite")
        }
    }

    /// Product of `factors`, or nil on overflow.
    private func product(_ factors: some Sequence<Int>) -> Int? {
        var result = 1
        for factor in factors {
            let (next, overflow) = result.multipliedReportingOverflow(by: factor)
            if overflow { return nil }
            result = next
        }
        return result
    }
}

extension QVBInconsistency {
    init(_ message: String) { self.message = message }
}
