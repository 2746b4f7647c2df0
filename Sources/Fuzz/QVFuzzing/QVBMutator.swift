import QVFormat

/// A structure-aware mutation of a decoded `.qvb`: one field, index or tensor byte of the model
/// changed, so that after re-encoding (which recomputes every checksum) the mutant passes the
/// byte-level checks and reaches the semantic layer — whole-graph validation, the op bindings,
/// the arena planner and the kernels.
public struct QVBMutator {
    /// What to mutate.
    public enum Target: String, CaseIterable, Sendable {
        case opInput, opOutput, opWeight, opOrder, opCount, opAttributes
        case valueShape, valueType, valueLayout
        case tensorShape, tensorType, tensorStride, tensorLayout, tensorQuant, tensorBytes
        case port, maxTokens, tokenizer, config
    }

    /// The generator; a mutation is a function of its state.
    public var random: FuzzRandom

    /// A mutator drawing from `seed`.
    public init(seed: UInt64) { random = FuzzRandom(seed: seed) }

    /// Mutates `model` (and, for `.tensorBytes`, `sections`) once at a random target and
    /// returns what it changed.
    public mutating func mutate(_ model: inout QVB.Model, sections: inout [QVB.SectionPayload]) -> String {
        let target = Target.allCases[random.index(Target.allCases.count)]
        return "\(target.rawValue): " + mutate(target, &model, &sections)
    }

    /// Mutates `target` of `model` once and returns what it changed ("nothing to mutate" when
    /// the model has no such field).
    public mutating func mutate(_ target: Target, _ m: inout QVB.Model, _ sections: inout [QVB.SectionPayload]) -> String {
        switch target {
        case .opInput, .opOutput, .opWeight: return mutateOpOperand(target, &m)
        case .opOrder:
            guard m.ops.count > 1 else { return "nothing to mutate" }
            let a = random.index(m.ops.count), b = random.index(m.ops.count)
            m.ops.swapAt(a, b)
            return "swapped ops \(a) and \(b)"
        case .opCount:
            guard !m.ops.isEmpty else { return "nothing to mutate" }
            let i = random.index(m.ops.count)
            if random.oneIn(2) { m.ops.remove(at: i); return "removed op \(i)" }
            m.ops.insert(m.ops[i], at: random.index(m.ops.count + 1))
            return "duplicated op \(i)"
        case .opAttributes: return mutateAttributes(&m)
        case .valueShape:
            guard !m.values.isEmpty else { return "nothing to mutate" }
            let v = random.index(m.values.count)
            return "value \(v) '\(m.values[v].name)' shape " + mutateShape(&m.values[v].shape)
        case .valueType:
            guard !m.values.isEmpty else { return "nothing to mutate" }
            let v = random.index(m.values.count)
            let type = QVB.ElementType.allCases[random.index(QVB.ElementType.allCases.count)]
            m.values[v].type = type
            if random.oneIn(2) { m.values[v].quant = randomQuantization(type) }
            return "value \(v) '\(m.values[v].name)' type \(type), quant \(m.values[v].quant.map { "\($0)" } ?? "none")"
        case .valueLayout:
            guard !m.values.isEmpty else { return "nothing to mutate" }
            let v = random.index(m.values.count)
            m.values[v].layout = QVB.Layout.allCases[random.index(QVB.Layout.allCases.count)]
            if random.oneIn(2) { m.values[v].heads = random.integer(near: m.values[v].heads) }
            return "value \(v) '\(m.values[v].name)' layout \(m.values[v].layout) heads \(m.values[v].heads)"
        case .tensorShape, .tensorType, .tensorStride, .tensorLayout, .tensorQuant: return mutateTensor(target, &m)
        case .tensorBytes: return mutateTensorBytes(m, &sections)
        case .port: return mutatePort(&m)
        case .maxTokens:
            m.maxTokens = random.integer(near: m.maxTokens)
            return "maxTokens \(m.maxTokens)"
        case .tokenizer: return mutateTokenizer(&m)
        case .config: return mutateConfig(&m)
        }
    }

    private mutating func mutateOpOperand(_ target: Target, _ m: inout QVB.Model) -> String {
        guard !m.ops.isEmpty else { return "nothing to mutate" }
        let o = random.index(m.ops.count)
        let bound = target == .opWeight ? m.tensors.count : m.values.count
        var op = m.ops[o]
        let what = target == .opInput ? "input" : target == .opOutput ? "output" : "weight"
        var list = target == .opInput ? op.inputs : target == .opOutput ? op.outputs : op.weights
        let change: String
        if list.isEmpty || random.oneIn(8) {
            list.append(random.index(bound))
            change = "gains \(what) \(list.last!)"
        } else {
            let i = random.index(list.count)
            if random.oneIn(8) {
                list.remove(at: i)
                change = "loses \(what) \(i)"
            } else {
                list[i] = random.oneIn(16) ? random.integer(near: list[i]) : random.index(bound)
                change = "\(what) \(i) → \(list[i])"
            }
        }
        switch target {
        case .opInput: op.inputs = list
        case .opOutput: op.outputs = list
        default: op.weights = list
        }
        m.ops[o] = op
        return "op \(o) '\(op.name)' " + change
    }

    private mutating func mutateAttributes(_ m: inout QVB.Model) -> String {
        guard !m.ops.isEmpty else { return "nothing to mutate" }
        let o = random.index(m.ops.count)
        let before = m.ops[o].attributes
        let after: QVB.OpAttributes
        switch before {
        case .layerNorm(let e): after = .layerNorm(epsilon: random.float(near: e))
        case .l2Normalize(let e): after = .l2Normalize(epsilon: random.float(near: e))
        case .linear: after = .linear(activation: QVB.Activation.allCases[random.index(QVB.Activation.allCases.count)])
        case .attention(let heads, let scale, let probs, let groupRows):
            switch random.index(4) {
            case 0: after = .attention(heads: random.integer(near: heads), scoreScale: scale, probs: probs, groupRows: groupRows)
            case 1: after = .attention(heads: heads, scoreScale: random.float(near: scale), probs: probs, groupRows: groupRows)
            case 2: after = .attention(heads: heads, scoreScale: scale, probs: randomQuantization(.u2), groupRows: groupRows)
            default: after = .attention(heads: heads, scoreScale: scale, probs: probs, groupRows: random.integer(near: groupRows))
            }
        default:
            let kinds: [QVB.OpAttributes] = [.embedding, .quantize, .meanPool, .clsPool, .softmax, .linear(activation: .none),
                                             .layerNorm(epsilon: 1e-12), .l2Normalize(epsilon: 1e-12),
                                             .attention(heads: 2, scoreScale: 0.5, probs: nil)]
            after = kinds[random.index(kinds.count)]
        }
        m.ops[o].attributes = after
        return "op \(o) '\(m.ops[o].name)' \(before) → \(after)"
    }

    private mutating func mutateShape(_ shape: inout [Int]) -> String {
        switch random.index(8) {
        case 0: shape.append(random.oneIn(2) ? -1 : random.integer(near: 1))
        case 1 where !shape.isEmpty: shape.removeLast()
        case 2 where !shape.isEmpty: shape.insert(random.oneIn(2) ? -1 : random.integer(near: 2), at: 0)
        default:
            if shape.isEmpty { shape = [random.integer(near: 8)] } else {
                let i = random.index(shape.count)
                shape[i] = random.oneIn(4) ? -1 : random.integer(near: shape[i])
            }
        }
        return "\(shape)"
    }

    private mutating func randomQuantization(_ type: QVB.ElementType) -> QVB.Quantization? {
        guard !random.oneIn(6) else { return nil }
        let scheme = QVB.QuantScheme.allCases[random.index(QVB.QuantScheme.allCases.count)]
        let bits = random.oneIn(4) ? random.integer(near: type.bits) : type.bits
        let scale: Float = random.oneIn(3) ? random.float(near: 0.1) : 0.1
        return QVB.Quantization(scheme: scheme, bits: bits, axis: random.oneIn(4) ? random.integer(near: 0) : -1,
                                scale: [scale], offset: random.oneIn(2) ? [] : [random.float(near: 1)])
    }

    private mutating func mutateTensor(_ target: Target, _ m: inout QVB.Model) -> String {
        guard !m.tensors.isEmpty else { return "nothing to mutate" }
        let t = random.index(m.tensors.count)
        var tensor = m.tensors[t]
        switch target {
        case .tensorShape: _ = mutateShape(&tensor.shape)
        case .tensorType: tensor.type = QVB.ElementType.allCases[random.index(QVB.ElementType.allCases.count)]
        case .tensorStride: tensor.rowStride = random.integer(near: tensor.rowStride)
        case .tensorLayout: tensor.layout = QVB.TensorLayout.allCases[random.index(QVB.TensorLayout.allCases.count)]
        default:
            if var q = tensor.quant, !q.scale.isEmpty, !random.oneIn(4) {
                let i = random.index(q.scale.count)
                switch random.index(4) {
                case 0: q.scale[i] = random.float(near: q.scale[i])
                case 1 where !q.offset.isEmpty: q.offset[random.index(q.offset.count)] = random.float(near: 0)
                case 2: q.axis = random.integer(near: q.axis)
                default: q.scale.removeLast()
                }
                tensor.quant = q
            } else {
                tensor.quant = randomQuantization(tensor.type)
            }
        }
        m.tensors[t] = tensor
        return "tensor \(t) '\(tensor.name)' type \(tensor.type) shape \(tensor.shape) stride \(tensor.rowStride) layout \(tensor.layout)"
    }

    private mutating func mutateTensorBytes(_ m: QVB.Model, _ sections: inout [QVB.SectionPayload]) -> String {
        guard !m.tensors.isEmpty else { return "nothing to mutate" }
        let t = random.index(m.tensors.count), tensor = m.tensors[t]
        guard sections.indices.contains(tensor.section), tensor.size > 0 else { return "nothing to mutate" }
        let count = 1 + random.index(min(tensor.size, 16))
        for _ in 0..<count {
            let at = tensor.offset + random.index(tensor.size)
            guard sections[tensor.section].bytes.indices.contains(at) else { continue }
            // 0xFF bytes make NaN floats and the largest codes; others flip one bit.
            sections[tensor.section].bytes[at] = random.oneIn(2) ? 0xFF : sections[tensor.section].bytes[at] ^ (1 << UInt8(random.index(8)))
        }
        return "tensor \(t) '\(tensor.name)': \(count) bytes changed"
    }

    private mutating func mutatePort(_ m: inout QVB.Model) -> String {
        let output = random.oneIn(2) && !m.outputs.isEmpty || m.inputs.isEmpty
        var ports = output ? m.outputs : m.inputs
        guard !ports.isEmpty else { return "nothing to mutate" }
        let p = random.index(ports.count)
        let what: String
        switch random.index(5) {
        case 0: ports[p].value = random.index(m.values.count); what = "value → \(ports[p].value)"
        case 1: ports[p].role = QVB.IORole.allCases[random.index(QVB.IORole.allCases.count)]; what = "role → \(ports[p].role)"
        case 2: ports.append(ports[p]); what = "duplicated"
        case 3: ports.remove(at: p); what = "removed"
        default: ports[p].name = ports[random.index(ports.count)].name; what = "renamed '\(ports[p].name)'"
        }
        if output { m.outputs = ports } else { m.inputs = ports }
        return "\(output ? "output" : "input") \(p) \(what)"
    }

    private mutating func mutateTokenizer(_ m: inout QVB.Model) -> String {
        guard var t = m.tokenizer else { return "nothing to mutate" }
        switch random.index(6) {
        case 0:
            let n = random.oneIn(2) ? t.vocab.count * 2 : random.index(t.vocab.count + 1)
            t.vocab = (0..<n).map { $0 < t.vocab.count ? t.vocab[$0] : "w\($0)" }
        case 1: t.unkId = random.integer(near: t.unkId)
        case 2: t.clsId = random.integer(near: t.clsId)
        case 3: t.sepId = random.integer(near: t.sepId)
        case 4: t.maxLength = random.integer(near: t.maxLength)
        default: t.maxInputCharsPerWord = random.integer(near: t.maxInputCharsPerWord)
        }
        m.tokenizer = t
        return "vocab \(t.vocab.count), unk \(t.unkId), cls \(t.clsId), sep \(t.sepId), maxLength \(t.maxLength), chars \(t.maxInputCharsPerWord)"
    }

    private mutating func mutateConfig(_ m: inout QVB.Model) -> String {
        guard var b = m.bert else { return "nothing to mutate" }
        switch random.index(8) {
        case 0: b.hidden = random.integer(near: b.hidden)
        case 1: b.layers = random.integer(near: b.layers)
        case 2: b.heads = random.integer(near: b.heads)
        case 3: b.vocabSize = random.integer(near: b.vocabSize)
        case 4: b.maxPositions = random.integer(near: b.maxPositions)
        case 5: b.typeVocabSize = random.integer(near: b.typeVocabSize)
        case 6: b.layerNormEps = random.float(near: b.layerNormEps)
        default: b.labels = random.oneIn(2) ? [] : b.labels + ["extra"]
        }
        m.bert = b
        return "bert \(b)"
    }
}
