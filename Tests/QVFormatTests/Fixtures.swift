import Testing
@testable import QVFormat
import QVKernels

/// A small model that uses every construct of the schema: all op attribute kinds, per-tensor
/// and per-channel quantization with and without offsets, every element type and layout,
/// tokenizer fields away from their defaults, and three sections (incompressible, compressible,
/// empty).
enum Fixture {
    static let weights: [UInt8] = {
        var generator = SeededGenerator(seed: 7)
        return (0 ..< 384).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
    }()

    /// Repetitive, so that zstd makes it smaller.
    static let embeddings: [UInt8] = (0 ..< 768).map { UInt8(($0 / 8) % 5) }

    static let sections = [
        QVB.SectionPayload(name: "weights", bytes: weights),
        QVB.SectionPayload(name: "embeddings", bytes: embeddings),
        QVB.SectionPayload(name: "empty", bytes: []),
    ]

    static let tensors = [
        QVB.Tensor(name: "embeddings.word", type: .f32, shape: [8, 4], section: 0, offset: 0, size: 128),
        QVB.Tensor(name: "encoder.0.q.weight", type: .u2, shape: [4, 5],
                   quant: QVB.Quantization(scheme: .signedSymmetric, bits: 2, axis: 0, scale: [0.5, 0.25, 1, 2]),
                   rowStride: 16, section: 0, offset: 128, size: 64),
        QVB.Tensor(name: "encoder.0.q.bias", type: .f32, shape: [4], section: 0, offset: 192, size: 16),
        QVB.Tensor(name: "encoder.0.k.weight", type: .u1, shape: [3, 17],
                   quant: QVB.Quantization(scheme: .binarySign, bits: 1, scale: [0.75]),
                   rowStride: 16, section: 0, offset: 256, size: 48),
        QVB.Tensor(name: "classifier.weight", type: .i8, shape: [2, 4],
                   quant: QVB.Quantization(scheme: .signedSymmetric, bits: 8, axis: 0, scale: [0.01, 0.02],
                                           offset: [0.5, -0.5]),
                   rowStride: 16, section: 0, offset: 320, size: 32),
        QVB.Tensor(name: "encoder.0.ffn.weight", type: .f32, shape: [13, 8], section: 1, offset: 0, size: 512, layout: .panels16),
        QVB.Tensor(name: "embeddings.token_type", type: .u8, shape: [2, 3],
                   quant: QVB.Quantization(scheme: .unsignedOffset, bits: 8, axis: 1, scale: [1, 2, 3], offset: [0, -1, 1]),
                   rowStride: 16, section: 1, offset: 576, size: 32),
        QVB.Tensor(name: "token_ids.table", type: .i32, shape: [0], section: 2, offset: 0, size: 0),
    ]

    static let values = [
        QVB.Value(name: "input_ids", type: .i32, shape: [-1]),
        QVB.Value(name: "token_types", type: .i32, shape: [-1]),
        QVB.Value(name: "mask", type: .f32, shape: [-1]),
        QVB.Value(name: "hidden", type: .f32, shape: [-1, 4]),
        QVB.Value(name: "hidden.q", type: .u2, shape: [-1, 4],
                  quant: QVB.Quantization(scheme: .unsignedOffset, bits: 2, scale: [0.1], offset: [-0.2])),
        QVB.Value(name: "keys", type: .u1, shape: [-1, 4],
                  quant: QVB.Quantization(scheme: .binarySign, bits: 1, scale: [1]),
                  layout: .headMajorTransposed, heads: 2),
        QVB.Value(name: "context", type: .f32, shape: [-1, 4], layout: .headMajor, heads: 2),
        QVB.Value(name: "pooled", type: .f32, shape: [1, 4]),
        QVB.Value(name: "embedding", type: .f32, shape: [1, 4]),
        QVB.Value(name: "logits", type: .f32, shape: [1, 2]),
    ]

    static let ops = [
        QVB.Op(name: "embeddings", attributes: .embedding, inputs: [0, 1], outputs: [3], weights: [0, 5, 6]),
        QVB.Op(name: "embeddings.norm", attributes: .layerNorm(epsilon: 1e-12), inputs: [3], outputs: [3], weights: [2, 2]),
        QVB.Op(name: "encoder.0.quantize", attributes: .quantize, inputs: [3], outputs: [4]),
        QVB.Op(name: "encoder.0.k", attributes: .linear(activation: .gelu), inputs: [4], outputs: [5], weights: [3, 2]),
        QVB.Op(name: "encoder.0.attention", attributes: .attention(
            heads: 2, scoreScale: 0.125,
            probs: QVB.Quantization(scheme: .unsignedOffset, bits: 8, scale: [1.0 / 255])),
            inputs: [4, 5, 5, 2], outputs: [6]),
        QVB.Op(name: "encoder.0.attention.float", attributes: .attention(heads: 2, scoreScale: -0.0, probs: nil),
               inputs: [3, 3, 3, 2], outputs: [6]),
        QVB.Op(name: "encoder.0.output", attributes: .linear(activation: .none), inputs: [6, 3], outputs: [3], weights: [1, 2]),
        QVB.Op(name: "pool.mean", attributes: .meanPool, inputs: [3, 2], outputs: [7]),
        QVB.Op(name: "pool.cls", attributes: .clsPool, inputs: [3], outputs: [7]),
        QVB.Op(name: "normalize", attributes: .l2Normalize(epsilon: 1e-6), inputs: [7], outputs: [8]),
        QVB.Op(name: "classifier", attributes: .linear(activation: .none), inputs: [7], outputs: [9], weights: [4]),
        QVB.Op(name: "classifier.softmax", attributes: .softmax, inputs: [9], outputs: [9]),
    ]

    static let model = QVB.Model(
        producer: QVB.Producer(name: "qvc", version: "0.1.0", source: "fixture/tiny-bert",
                               command: "qvc compile fixture --precision w2a2"),
        family: .bert,
        bert: QVB.BertConfig(hidden: 4, layers: 1, heads: 2, intermediate: 16, vocabSize: 8, maxPositions: 16,
                             typeVocabSize: 2, layerNormEps: 1e-12, pooling: "mean", normalize: true,
                             labels: ["negative", "positive"]),
        precision: "w2a2",
        tokenizer: QVB.Tokenizer(vocab: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "##lo", "wörld", "日本"],
                                 lowercase: false, stripAccents: true, handleChineseChars: false, cleanText: true,
                                 continuingPrefix: "##", maxInputCharsPerWord: 50, maxLength: 16,
                                 unkId: 1, clsId: 2, sepId: 3, padId: 0),
        tensors: tensors, values: values, ops: ops,
        inputs: [QVB.Port(name: "input_ids", value: 0, role: .tokenIds),
                 QVB.Port(name: "token_type_ids", value: 1, role: .tokenTypes),
                 QVB.Port(name: "attention_mask", value: 2, role: .attentionMask)],
        outputs: [QVB.Port(name: "embedding", value: 8, role: .embedding), QVB.Port(name: "logits", value: 9, role: .logits)],
        maxTokens: 16)

    /// The fixture encoded with `compression`.
    static func file(_ compression: QVB.Compression) throws -> [UInt8] {
        try QVBWriter.encode(model, sections: sections, compression: compression)
    }
}

/// Runs `body` on a copy of `bytes` at a 64-byte aligned address, plus `misalignment` bytes.
func withAlignedCopy<R>(_ bytes: [UInt8], misalignment: Int = 0,
                        _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + misalignment + 1, alignment: 64)
    defer { storage.deallocate() }
    let region = UnsafeMutableRawBufferPointer(rebasing: storage[misalignment ..< misalignment + bytes.count])
    region.copyBytes(from: bytes)
    return try body(UnsafeRawBufferPointer(region))
}

/// Opens `bytes` (from a 64-byte aligned copy) and returns the model, or the error thrown.
func open(_ bytes: [UInt8]) -> Result<QVB.Model, QVBError> {
    withAlignedCopy(bytes) { buffer in
        Result { () throws(QVBError) in try QVBFile(bytes: buffer).model }
    }
}

/// Locations inside a `.qvb` buffer, found with the module's own reader.
enum Locate {
    /// Byte offset of `field` in the root `Model` table.
    static func modelField(_ file: [UInt8], _ field: QVBSchema.Model) throws -> Int {
        try file.withUnsafeBytes { bytes in
            try #require(try FlatBufferReader(bytes: bytes).rootTable().position(of: field))
        }
    }

    /// Byte offset of `field` in section `index`'s table.
    static func sectionField(_ file: [UInt8], section index: Int, _ field: QVBSchema.Section) throws -> Int {
        try file.withUnsafeBytes { bytes in
            let root = try FlatBufferReader(bytes: bytes).rootTable()
            let sections = try #require(try root.vector(QVBSchema.Model.sections, elementSize: 4))
            return try #require(try sections.table(at: index).position(of: field))
        }
    }

    /// Byte offset of `field` in tensor `index`'s table.
    static func tensorField(_ file: [UInt8], tensor index: Int, _ field: QVBSchema.Tensor) throws -> Int {
        try file.withUnsafeBytes { bytes in
            let root = try FlatBufferReader(bytes: bytes).rootTable()
            let tensors = try #require(try root.vector(QVBSchema.Model.tensors, elementSize: 4))
            return try #require(try tensors.table(at: index).position(of: field))
        }
    }

    /// File byte ranges of each section's stored data.
    static func sectionData(_ file: [UInt8]) throws -> [Range<Int>] {
        try file.withUnsafeBytes { bytes in try MetadataChecksum(locatingIn: FlatBufferReader(bytes: bytes)).sectionData }
    }
}

extension Array where Element == UInt8 {
    /// Overwrites the little-endian integer at `offset`.
    mutating func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
    }

    /// Reads the little-endian integer at `offset`.
    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// The same file with its file size and metadata checksum recomputed, as a tool that edits
    /// fields and then re-seals would produce: only the semantic checks can catch the edit.
    func resealed() throws -> [UInt8] {
        var copy = self
        try MetadataChecksum.seal(&copy)
        return copy
    }
}
