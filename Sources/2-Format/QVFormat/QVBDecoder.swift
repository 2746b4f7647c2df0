/// A section as stored in a file: its description and where its data bytes are.
struct StoredSection {
    /// Name, compression, sizes and CRC.
    let info: QVB.SectionInfo
    /// Byte range of the stored (possibly compressed) data in the file.
    let data: Range<Int>
}

/// Decodes the metadata of a `.qvb` FlatBuffer into `QVB` values. Every read is bounds-checked;
/// enum values outside the schema and integers that do not fit are errors. A budget of twice
/// the file size on decoded strings and vectors stops a malicious file whose offsets all point
/// at the same object from expanding without bound.
struct QVBDecoder {
    private let reader: FlatBufferReader
    private var budget: Int

    /// Prepares to decode the FlatBuffer in `reader`.
    init(reader: FlatBufferReader) {
        self.reader = reader
        budget = 2 * reader.bytes.count + 65536
    }

    /// The model and its sections.
    mutating func decode() throws(FlatBufferError) -> (model: QVB.Model, sections: [StoredSection]) {
        typealias F = QVBSchema.Model
        let root = try reader.rootTable()
        var model = QVB.Model(
            formatVersion: Int(try root.integer(F.formatVersion, default: UInt32(0))),
            producer: try root.table(F.producer).map { table throws(FlatBufferError) in try producer(table) } ?? QVB.Producer(),
            family: try enumeration(root.integer(F.family, default: UInt8(0)), "model family", at: root.position),
            bert: nil, precision: try string(root, F.precision), tokenizer: nil, tensors: [], values: [], ops: [],
            inputs: [], outputs: [], maxTokens: try integer(root, F.maxTokens, as: UInt32.self))
        if let table = try root.table(F.bert) { model.bert = try bert(table) }
        if let table = try root.table(F.tokenizer) { model.tokenizer = try tokenizer(table) }
        for (index, table) in try tables(root, F.tensors).enumerated() { model.tensors.append(try tensor(table, index: index)) }
        for (index, table) in try tables(root, F.values).enumerated() { model.values.append(try value(table, index: index)) }
        for (index, table) in try tables(root, F.ops).enumerated() { model.ops.append(try op(table, index: index)) }
        for table in try tables(root, F.inputs) { model.inputs.append(try port(table)) }
        for table in try tables(root, F.outputs) { model.outputs.append(try port(table)) }
        if model.formatVersion == 1 {
            // Version 1 had fixed token I/O and the tokenizer's length as the only bound.
            (model.inputs, model.outputs) = try legacyPorts(try root.table(F.io), at: root.position)
            model.maxTokens = model.tokenizer?.maxLength ?? 0
        }
        var sections: [StoredSection] = []
        for (index, table) in try tables(root, F.sections).enumerated() { sections.append(try section(table, index: index)) }
        return (model, sections)
    }

    // MARK: Tables

    private mutating func quantization(_ table: FlatBufferTable) throws(FlatBufferError) -> QVB.Quantization {
        typealias F = QVBSchema.Quantization
        return QVB.Quantization(
            scheme: try enumeration(table.integer(F.scheme, default: UInt8(0)), "quantization scheme", at: table.position),
            bits: Int(try table.integer(F.bits, default: UInt8(0))),
            axis: Int(try table.integer(F.axis, default: Int32(-1))),
            scale: try floats(table, F.scale), offset: try floats(table, F.offset))
    }

    private mutating func tensor(_ table: FlatBufferTable, index: Int) throws(FlatBufferError) -> QVB.Tensor {
        typealias F = QVBSchema.Tensor
        let name = try string(table, F.name)
        return QVB.Tensor(
            name: name,
            type: try enumeration(table.integer(F.type, default: UInt8(0)), "element type of tensor \(index) '\(name)'", at: table.position),
            shape: try integers(table, F.shape, as: Int64.self),
            quant: try table.table(F.quant).map { quant throws(FlatBufferError) in try quantization(quant) },
            rowStride: try integer(table, F.rowStride, as: UInt64.self),
            section: try integer(table, F.section, as: UInt32.self),
            offset: try integer(table, F.offset, as: UInt64.self),
            size: try integer(table, F.size, as: UInt64.self),
            layout: try enumeration(table.integer(F.layout, default: UInt8(0)), "layout of tensor \(index) '\(name)'", at: table.position))
    }

    private mutating func value(_ table: FlatBufferTable, index: Int) throws(FlatBufferError) -> QVB.Value {
        typealias F = QVBSchema.Value
        let name = try string(table, F.name)
        return QVB.Value(
            name: name,
            type: try enumeration(table.integer(F.type, default: UInt8(0)), "element type of value \(index) '\(name)'", at: table.position),
            shape: try integers(table, F.shape, as: Int64.self),
            quant: try table.table(F.quant).map { quant throws(FlatBufferError) in try quantization(quant) },
            layout: try enumeration(table.integer(F.layout, default: UInt8(0)), "layout of value \(index) '\(name)'", at: table.position),
            heads: Int(try table.integer(F.heads, default: UInt32(1))))
    }

    private mutating func op(_ table: FlatBufferTable, index: Int) throws(FlatBufferError) -> QVB.Op {
        typealias F = QVBSchema.Op
        let name = try string(table, F.name)
        let kind = try table.integer(F.attributesType, default: UInt8(0))
        guard let member = QVBSchema.OpAttrs(rawValue: kind), let attributes = try table.table(F.attributes) else {
            throw FlatBufferError("op \(index) '\(name)' has no attributes or unknown attribute kind \(kind)", at: table.position)
        }
        return QVB.Op(name: name, attributes: try opAttributes(member, attributes),
                      inputs: try integers(table, F.inputs, as: UInt32.self),
                      outputs: try integers(table, F.outputs, as: UInt32.self),
                      weights: try integers(table, F.weights, as: UInt32.self))
    }

    private mutating func opAttributes(_ member: QVBSchema.OpAttrs, _ table: FlatBufferTable)
        throws(FlatBufferError) -> QVB.OpAttributes
    {
        switch member {
        case .embedding: return .embedding
        case .layerNorm: return .layerNorm(epsilon: try table.float(QVBSchema.LayerNormAttrs.epsilon))
        case .quantize: return .quantize
        case .linear:
            return .linear(activation: try enumeration(table.integer(QVBSchema.LinearAttrs.activation, default: UInt8(0)),
                                                       "activation", at: table.position))
        case .attention:
            typealias F = QVBSchema.AttentionAttrs
            return .attention(heads: Int(try table.integer(F.heads, default: UInt32(0))),
                              scoreScale: try table.float(F.scoreScale),
                              probs: try table.table(F.probs).map { quant throws(FlatBufferError) in try quantization(quant) },
                              groupRows: try integer(table, F.groupRows, as: UInt32.self))
        case .meanPool: return .meanPool
        case .clsPool: return .clsPool
        case .l2Normalize: return .l2Normalize(epsilon: try table.float(QVBSchema.L2NormalizeAttrs.epsilon))
        case .softmax: return .softmax
        }
    }

    private mutating func tokenizer(_ table: FlatBufferTable) throws(FlatBufferError) -> QVB.Tokenizer {
        typealias F = QVBSchema.Tokenizer
        return QVB.Tokenizer(
            vocab: try strings(table, F.vocab),
            lowercase: try table.bool(F.lowercase, default: true),
            stripAccents: try table.bool(F.stripAccents, default: true),
            handleChineseChars: try table.bool(F.handleChineseChars, default: true),
            cleanText: try table.bool(F.cleanText, default: true),
            continuingPrefix: try string(table, F.continuingPrefix),
            maxInputCharsPerWord: Int(try table.integer(F.maxInputCharsPerWord, default: UInt32(100))),
            maxLength: Int(try table.integer(F.maxLength, default: UInt32(0))),
            unkId: Int(try table.integer(F.unkId, default: UInt32(0))),
            clsId: Int(try table.integer(F.clsId, default: UInt32(0))),
            sepId: Int(try table.integer(F.sepId, default: UInt32(0))),
            padId: Int(try table.integer(F.padId, default: UInt32(0))),
            specialIds: try integers(table, F.specialIds, as: UInt32.self))
    }

    private mutating func bert(_ table: FlatBufferTable) throws(FlatBufferError) -> QVB.BertConfig {
        typealias F = QVBSchema.BertConfig
        return QVB.BertConfig(
            hidden: Int(try table.integer(F.hidden, default: UInt32(0))),
            layers: Int(try table.integer(F.layers, default: UInt32(0))),
            heads: Int(try table.integer(F.heads, default: UInt32(0))),
            intermediate: Int(try table.integer(F.intermediate, default: UInt32(0))),
            vocabSize: Int(try table.integer(F.vocabSize, default: UInt32(0))),
            maxPositions: Int(try table.integer(F.maxPositions, default: UInt32(0))),
            typeVocabSize: Int(try table.integer(F.typeVocabSize, default: UInt32(0))),
            layerNormEps: try table.float(F.layerNormEps),
            pooling: try string(table, F.pooling),
            normalize: try table.bool(F.normalize, default: false),
            labels: try strings(table, F.labels))
    }

    private mutating func producer(_ table: FlatBufferTable) throws(FlatBufferError) -> QVB.Producer {
        typealias F = QVBSchema.Producer
        return QVB.Producer(name: try string(table, F.name), version: try string(table, F.version),
                            source: try string(table, F.source), command: try string(table, F.command))
    }

    private mutating func port(_ table: FlatBufferTable) throws(FlatBufferError) -> QVB.Port {
        typealias F = QVBSchema.ModelPort
        return QVB.Port(name: try string(table, F.name), value: try integer(table, F.value, as: UInt32.self),
                        role: try enumeration(table.integer(F.role, default: UInt8(0)), "I/O role", at: table.position))
    }

    /// Format version 1's fixed I/O table as named ports: the three token inputs, then the
    /// embedding and/or logits outputs.
    private func legacyPorts(_ table: FlatBufferTable?, at offset: Int) throws(FlatBufferError) -> ([QVB.Port], [QVB.Port]) {
        typealias F = QVBSchema.ModelIO
        guard let table else { throw FlatBufferError("a version 1 model has no io table", at: offset) }
        let inputs = [
            QVB.Port(name: "input_ids", value: try integer(table, F.inputIds, as: UInt32.self), role: .tokenIds),
            QVB.Port(name: "token_type_ids", value: try integer(table, F.tokenTypes, as: UInt32.self), role: .tokenTypes),
            QVB.Port(name: "attention_mask", value: try integer(table, F.mask, as: UInt32.self), role: .attentionMask),
        ]
        var outputs: [QVB.Port] = []
        let embedding = try table.integer(F.embedding, default: Int32(-1)), logits = try table.integer(F.logits, default: Int32(-1))
        if embedding >= 0 { outputs.append(QVB.Port(name: "embedding", value: Int(embedding), role: .embedding)) }
        if logits >= 0 { outputs.append(QVB.Port(name: "logits", value: Int(logits), role: .logits)) }
        return (inputs, outputs)
    }

    private mutating func section(_ table: FlatBufferTable, index: Int) throws(FlatBufferError) -> StoredSection {
        typealias F = QVBSchema.Section
        let name = try string(table, F.name)
        guard let data = try table.vector(F.data, elementSize: 1) else {
            throw FlatBufferError("section \(index) '\(name)' has no data", at: table.position)
        }
        let info = QVB.SectionInfo(
            name: name,
            compression: try enumeration(table.integer(F.compression, default: UInt8(0)),
                                         "compression of section \(index) '\(name)'", at: table.position),
            storedSize: data.count,
            uncompressedSize: try integer(table, F.uncompressedSize, as: UInt64.self),
            crc32c: try table.integer(F.crc32c, default: UInt32(0)))
        return StoredSection(info: info, data: data.start ..< data.start + data.count)
    }

    // MARK: Fields

    /// Spends `bytes` of the decoding budget.
    private mutating func charge(_ bytes: Int, at offset: Int) throws(FlatBufferError) {
        budget -= bytes
        guard budget >= 0 else {
            throw FlatBufferError("the metadata points at the same objects over and over, expanding beyond twice the "
                                  + "file size", at: offset)
        }
    }

    private mutating func string<F: FlatBufferField>(_ table: FlatBufferTable, _ field: F) throws(FlatBufferError) -> String {
        guard let string = try table.string(field) else { return "" }
        try charge(4 + string.utf8.count, at: table.position)
        return string
    }

    private mutating func vector<F: FlatBufferField>(_ table: FlatBufferTable, _ field: F, elementSize: Int)
        throws(FlatBufferError) -> FlatBufferVector?
    {
        guard let vector = try table.vector(field, elementSize: elementSize) else { return nil }
        try charge(4 + vector.count * elementSize, at: vector.start)
        return vector
    }

    /// An unsigned scalar field that must fit in `Int`.
    private func integer<F: FlatBufferField, T: FixedWidthInteger>(_ table: FlatBufferTable, _ field: F, as type: T.Type)
        throws(FlatBufferError) -> Int
    {
        let raw = try table.integer(field, default: T.zero)
        guard let value = Int(exactly: raw) else {
            throw FlatBufferError("integer \(raw) is too large", at: table.position)
        }
        return value
    }

    private mutating func integers<F: FlatBufferField, T: FixedWidthInteger>(
        _ table: FlatBufferTable, _ field: F, as type: T.Type
    ) throws(FlatBufferError) -> [Int] {
        guard let vector = try vector(table, field, elementSize: MemoryLayout<T>.size) else { return [] }
        var result: [Int] = []
        result.reserveCapacity(vector.count)
        for index in 0 ..< vector.count {
            let raw = try vector.integer(at: index, as: T.self)
            guard let value = Int(exactly: raw) else {
                throw FlatBufferError("integer \(raw) is too large", at: vector.start + index * MemoryLayout<T>.size)
            }
            result.append(value)
        }
        return result
    }

    private mutating func floats<F: FlatBufferField>(_ table: FlatBufferTable, _ field: F) throws(FlatBufferError) -> [Float] {
        guard let vector = try vector(table, field, elementSize: 4) else { return [] }
        var result: [Float] = []
        result.reserveCapacity(vector.count)
        for index in 0 ..< vector.count { result.append(try vector.float(at: index)) }
        return result
    }

    private mutating func strings<F: FlatBufferField>(_ table: FlatBufferTable, _ field: F) throws(FlatBufferError) -> [String] {
        guard let vector = try vector(table, field, elementSize: 4) else { return [] }
        var result: [String] = []
        result.reserveCapacity(vector.count)
        for index in 0 ..< vector.count {
            let string = try vector.string(at: index)
            try charge(4 + string.utf8.count, at: vector.start + 4 * index)
            result.append(string)
        }
        return result
    }

    private mutating func tables<F: FlatBufferField>(_ table: FlatBufferTable, _ field: F) throws(FlatBufferError) -> [FlatBufferTable] {
        guard let vector = try vector(table, field, elementSize: 4) else { return [] }
        var result: [FlatBufferTable] = []
        result.reserveCapacity(vector.count)
        for index in 0 ..< vector.count {
            try charge(4, at: vector.start + 4 * index)
            result.append(try vector.table(at: index))
        }
        return result
    }

    /// The schema enum case stored as `raw`.
    private func enumeration<E: RawRepresentable>(_ raw: UInt8, _ what: String, at offset: Int)
        throws(FlatBufferError) -> E where E.RawValue == UInt8
    {
        guard let value = E(rawValue: raw) else {
            throw FlatBufferError("unknown \(what) \(raw)", at: offset)
        }
        return value
    }
}
