/// Encodes `QVB` values into a FlatBuffer following formats/qvb.fbs. Children are written
/// before their tables (the builder works back to front); section data goes first, so it ends
/// up at the end of the file. Integers that the schema's field types cannot hold are errors.
struct QVBEncoder {
    /// The buffer being built.
    var builder: FlatBufferBuilder

    /// Starts an encoder with room for about `capacity` bytes.
    init(capacity: Int) {
        builder = FlatBufferBuilder(capacity: capacity)
    }

    /// Writes the whole model and returns its root table. `metadata_crc32c` and `file_size` are
    /// written as zero placeholders for `MetadataChecksum.seal` to fill in.
    mutating func model(_ model: QVB.Model, sections: [StoredPayload]) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Model
        var sectionTables: [FlatBufferBuilder.Offset] = []
        for section in sections.reversed() { sectionTables.append(self.section(section)) }
        let sectionsVector = builder.createVector(offsets: sectionTables.reversed())
        var tensors: [FlatBufferBuilder.Offset] = []
        for tensor in model.tensors { tensors.append(try self.tensor(tensor)) }
        let tensorsVector = builder.createVector(offsets: tensors)
        var values: [FlatBufferBuilder.Offset] = []
        for value in model.values { values.append(try self.value(value)) }
        let valuesVector = builder.createVector(offsets: values)
        var ops: [FlatBufferBuilder.Offset] = []
        for op in model.ops { ops.append(try self.op(op)) }
        let opsVector = builder.createVector(offsets: ops)
        let tokenizer = try model.tokenizer.map { tokenizer throws(QVBError) in try self.tokenizer(tokenizer) }
        let bert = try model.bert.map { bert throws(QVBError) in try self.bert(bert) }
        let producer = self.producer(model.producer)
        let inputs = builder.createVector(offsets: try model.inputs.map { port throws(QVBError) in try self.port(port, "input") })
        let outputs = builder.createVector(offsets: try model.outputs.map { port throws(QVBError) in try self.port(port, "output") })
        let precision = builder.createString(model.precision)

        builder.startTable()
        builder.add(F.fileSize, UInt64(0), default: 0, force: true)
        builder.add(F.formatVersion, try uint32(model.formatVersion, "format version"), default: 0)
        builder.add(F.metadataCRC32C, UInt32(0), default: 0, force: true)
        builder.add(F.producer, producer)
        builder.add(F.family, model.family.rawValue, default: 0)
        builder.add(F.bert, bert)
        builder.add(F.precision, precision)
        builder.add(F.tokenizer, tokenizer)
        builder.add(F.tensors, tensorsVector)
        builder.add(F.values, valuesVector)
        builder.add(F.ops, opsVector)
        builder.add(F.sections, sectionsVector)
        builder.add(F.inputs, inputs)
        builder.add(F.outputs, outputs)
        builder.add(F.maxTokens, try uint32(model.maxTokens, "max tokens"), default: 0)
        return builder.endTable()
    }

    // MARK: Tables

    private mutating func section(_ section: StoredPayload) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Section
        let data = builder.createBytes(section.bytes, alignment: QVBSchema.sectionAlignment)
        let name = builder.createString(section.name)
        builder.startTable()
        builder.add(F.uncompressedSize, UInt64(section.uncompressedSize), default: 0)
        builder.add(F.name, name)
        builder.add(F.data, data)
        builder.add(F.crc32c, section.crc32c, default: 0)
        builder.add(F.compression, section.compression.rawValue, default: 0)
        return builder.endTable()
    }

    private mutating func quantization(_ quant: QVB.Quantization, of owner: String) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Quantization
        guard let bits = UInt8(exactly: quant.bits), let axis = Int32(exactly: quant.axis) else {
            throw QVBError(.invalidModel, "cannot write: quantization of \(owner) has bits \(quant.bits) / axis \(quant.axis) out of range")
        }
        let scale = builder.createVector(quant.scale)
        let offset = builder.createVector(quant.offset)
        builder.startTable()
        builder.add(F.scale, scale)
        builder.add(F.offset, offset)
        builder.add(F.axis, axis, default: -1)
        builder.add(F.scheme, quant.scheme.rawValue, default: 0)
        builder.add(F.bits, bits, default: 0)
        return builder.endTable()
    }

    private mutating func tensor(_ tensor: QVB.Tensor) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Tensor
        let owner = "tensor '\(tensor.name)'"
        let name = builder.createString(tensor.name)
        let shape = builder.createVector(tensor.shape.map { Int64($0) })
        let quant = try tensor.quant.map { quant throws(QVBError) in try quantization(quant, of: owner) }
        builder.startTable()
        builder.add(F.rowStride, try uint64(tensor.rowStride, "\(owner) row stride"), default: 0)
        builder.add(F.offset, try uint64(tensor.offset, "\(owner) offset"), default: 0)
        builder.add(F.size, try uint64(tensor.size, "\(owner) size"), default: 0)
        builder.add(F.name, name)
        builder.add(F.shape, shape)
        builder.add(F.quant, quant)
        builder.add(F.section, try uint32(tensor.section, "\(owner) section"), default: 0)
        builder.add(F.type, tensor.type.rawValue, default: 0)
        builder.add(F.layout, tensor.layout.rawValue, default: 0)
        return builder.endTable()
    }

    private mutating func value(_ value: QVB.Value) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Value
        let owner = "value '\(value.name)'"
        let name = builder.createString(value.name)
        let shape = builder.createVector(value.shape.map { Int64($0) })
        let quant = try value.quant.map { quant throws(QVBError) in try quantization(quant, of: owner) }
        builder.startTable()
        builder.add(F.name, name)
        builder.add(F.shape, shape)
        builder.add(F.quant, quant)
        builder.add(F.heads, try uint32(value.heads, "\(owner) heads"), default: 1)
        builder.add(F.type, value.type.rawValue, default: 0)
        builder.add(F.layout, value.layout.rawValue, default: 0)
        return builder.endTable()
    }

    private mutating func op(_ op: QVB.Op) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Op
        let owner = "op '\(op.name)'"
        let name = builder.createString(op.name)
        let (member, attributes) = try opAttributes(op.attributes, of: owner)
        let inputs = builder.createVector(try op.inputs.map { index throws(QVBError) in try uint32(index, "\(owner) input") })
        let outputs = builder.createVector(try op.outputs.map { index throws(QVBError) in try uint32(index, "\(owner) output") })
        let weights = builder.createVector(try op.weights.map { index throws(QVBError) in try uint32(index, "\(owner) weight") })
        builder.startTable()
        builder.add(F.name, name)
        builder.add(F.attributes, attributes)
        builder.add(F.inputs, inputs)
        builder.add(F.outputs, outputs)
        builder.add(F.weights, weights)
        builder.add(F.attributesType, member.rawValue, default: 0)
        return builder.endTable()
    }

    /// The union member and its table for `attributes`.
    private mutating func opAttributes(_ attributes: QVB.OpAttributes, of owner: String)
        throws(QVBError) -> (QVBSchema.OpAttrs, FlatBufferBuilder.Offset)
    {
        switch attributes {
        case .embedding: return (.embedding, emptyTable())
        case .quantize: return (.quantize, emptyTable())
        case .meanPool: return (.meanPool, emptyTable())
        case .clsPool: return (.clsPool, emptyTable())
        case .softmax: return (.softmax, emptyTable())
        case .layerNorm(let epsilon):
            builder.startTable()
            builder.add(QVBSchema.LayerNormAttrs.epsilon, epsilon)
            return (.layerNorm, builder.endTable())
        case .l2Normalize(let epsilon):
            builder.startTable()
            builder.add(QVBSchema.L2NormalizeAttrs.epsilon, epsilon)
            return (.l2Normalize, builder.endTable())
        case .linear(let activation):
            builder.startTable()
            builder.add(QVBSchema.LinearAttrs.activation, activation.rawValue, default: 0)
            return (.linear, builder.endTable())
        case .attention(let heads, let scoreScale, let probs, let groupRows):
            typealias F = QVBSchema.AttentionAttrs
            let probsTable = try probs.map { quant throws(QVBError) in try quantization(quant, of: "\(owner) probabilities") }
            builder.startTable()
            builder.add(F.heads, try uint32(heads, "\(owner) heads"), default: 0)
            builder.add(F.scoreScale, scoreScale)
            builder.add(F.probs, probsTable)
            builder.add(F.groupRows, try uint32(groupRows, "\(owner) group rows"), default: 0)
            return (.attention, builder.endTable())
        }
    }

    private mutating func emptyTable() -> FlatBufferBuilder.Offset {
        builder.startTable()
        return builder.endTable()
    }

    private mutating func tokenizer(_ tokenizer: QVB.Tokenizer) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Tokenizer
        let vocab = builder.createVector(offsets: tokenizer.vocab.map { builder.createString($0) })
        let prefix = builder.createString(tokenizer.continuingPrefix)
        let special = builder.createVector(try tokenizer.specialIds.map { id throws(QVBError) in try uint32(id, "tokenizer special id") })
        builder.startTable()
        builder.add(F.specialIds, special)
        builder.add(F.vocab, vocab)
        builder.add(F.continuingPrefix, prefix)
        builder.add(F.maxInputCharsPerWord, try uint32(tokenizer.maxInputCharsPerWord, "tokenizer max_input_chars_per_word"), default: 100)
        builder.add(F.maxLength, try uint32(tokenizer.maxLength, "tokenizer max_length"), default: 0)
        builder.add(F.unkId, try uint32(tokenizer.unkId, "tokenizer unk_id"), default: 0)
        builder.add(F.clsId, try uint32(tokenizer.clsId, "tokenizer cls_id"), default: 0)
        builder.add(F.sepId, try uint32(tokenizer.sepId, "tokenizer sep_id"), default: 0)
        builder.add(F.padId, try uint32(tokenizer.padId, "tokenizer pad_id"), default: 0)
        builder.add(F.lowercase, tokenizer.lowercase, default: true)
        builder.add(F.stripAccents, tokenizer.stripAccents, default: true)
        builder.add(F.handleChineseChars, tokenizer.handleChineseChars, default: true)
        builder.add(F.cleanText, tokenizer.cleanText, default: true)
        return builder.endTable()
    }

    private mutating func bert(_ bert: QVB.BertConfig) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.BertConfig
        let pooling = builder.createString(bert.pooling)
        let labels = builder.createVector(offsets: bert.labels.map { builder.createString($0) })
        builder.startTable()
        builder.add(F.hidden, try uint32(bert.hidden, "bert hidden"), default: 0)
        builder.add(F.layers, try uint32(bert.layers, "bert layers"), default: 0)
        builder.add(F.heads, try uint32(bert.heads, "bert heads"), default: 0)
        builder.add(F.intermediate, try uint32(bert.intermediate, "bert intermediate"), default: 0)
        builder.add(F.vocabSize, try uint32(bert.vocabSize, "bert vocab_size"), default: 0)
        builder.add(F.maxPositions, try uint32(bert.maxPositions, "bert max_positions"), default: 0)
        builder.add(F.typeVocabSize, try uint32(bert.typeVocabSize, "bert type_vocab_size"), default: 0)
        builder.add(F.layerNormEps, bert.layerNormEps)
        builder.add(F.pooling, pooling)
        builder.add(F.labels, labels)
        builder.add(F.normalize, bert.normalize, default: false)
        return builder.endTable()
    }

    private mutating func producer(_ producer: QVB.Producer) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.Producer
        let name = builder.createString(producer.name)
        let version = builder.createString(producer.version)
        let source = builder.createString(producer.source)
        let command = builder.createString(producer.command)
        builder.startTable()
        builder.add(F.name, name)
        builder.add(F.version, version)
        builder.add(F.source, source)
        builder.add(F.command, command)
        return builder.endTable()
    }

    private mutating func port(_ port: QVB.Port, _ kind: String) throws(QVBError) -> FlatBufferBuilder.Offset {
        typealias F = QVBSchema.ModelPort
        let name = builder.createString(port.name)
        builder.startTable()
        builder.add(F.name, name)
        builder.add(F.value, try uint32(port.value, "model \(kind) '\(port.name)' value"), default: 0, force: true)
        builder.add(F.role, port.role.rawValue, default: 0)
        return builder.endTable()
    }

    // MARK: Integer fields

    private func uint32(_ value: Int, _ what: String) throws(QVBError) -> UInt32 {
        guard let field = UInt32(exactly: value) else {
            throw QVBError(.invalidModel, "cannot write: \(what) is \(value), outside 0...\(UInt32.max)")
        }
        return field
    }

    private func uint64(_ value: Int, _ what: String) throws(QVBError) -> UInt64 {
        guard let field = UInt64(exactly: value) else {
            throw QVBError(.invalidModel, "cannot write: \(what) is \(value), which is negative")
        }
        return field
    }
}
