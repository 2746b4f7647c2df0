import Foundation
@testable import QVFormat
import QVRuntime

/// Hostile `.qvb` files: integrity-valid damage (checksums recomputed, and sealed without the
/// writer's own validation, as a hostile writer would), so only the reader's semantic checks and
/// the runtime's whole-graph validation can catch it.
enum HostileQVB {
    static func value(_ m: QVB.Model, _ name: String) -> Int { m.values.firstIndex { $0.name == name }! }
    static func op(_ m: QVB.Model, _ name: String) -> Int { m.ops.firstIndex { $0.name == name }! }
    static func port(_ m: QVB.Model, _ role: QVB.IORole) -> Int { m.inputs.first { $0.role == role }!.value }

    /// The seed `name`.qvb, decoded.
    static func seed(_ name: String) throws -> (QVB.Model, [QVB.SectionPayload], QVB.Compression) {
        let data = try Hostile.seed("qvb", "\(name).qvb")
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let file = try QVBFile(bytes: raw)
            return (file.model, file.sectionPayloads, file.sections.contains { $0.compression == .zstd } ? .zstd : .none)
        }
    }

    /// A hostile file `file`: seed `seed` with `edit` applied to its model and sections, re-sealed.
    /// `compressed` stores its sections with zstd whatever the seed did.
    static func file(_ file: String, _ seed: String, _ refusal: String, compressed: Bool = false,
                     sections edit: @escaping @Sendable (inout QVB.Model, inout [QVB.SectionPayload]) -> Void) -> Hostile {
        Hostile(harness: "qvb", file: file + ".qvb", refusal: refusal) {
            var (model, sections, compression) = try Self.seed(seed)
            edit(&model, &sections)
            return try QVBWriter.sealed(model, sections: sections, compression: compressed ? .zstd : compression, zstdLevel: 1,
                                        payloadBytes: sections.reduce(0) { $0 + $1.bytes.count })
        }
    }

    /// A hostile file `file`: seed `seed` with `edit` applied to its model, re-sealed.
    static func file(_ file: String, _ seed: String, _ refusal: String, _ edit: @escaping @Sendable (inout QVB.Model) -> Void) -> Hostile {
        Self.file(file, seed, refusal) { model, _ in edit(&model) }
    }

    static let files: [Hostile] = [
        file("embedding-ids-from-mask", "bert-w2a2", "as its tokenIds input, but that value is the model's attentionMask input") {
            $0.ops[op($0, "embeddings")].inputs[0] = port($0, .attentionMask)
        },
        file("embedding-types-from-ids", "bert-fp32", "as its tokenTypes input, but that value is the model's tokenIds input") {
            $0.ops[op($0, "embeddings")].inputs[1] = port($0, .tokenIds)
        },
        file("attention-mask-from-ids", "bert-w1a1", "as its attentionMask input") {
            let a = op($0, "encoder.layer.0.attention.self")
            $0.ops[a].inputs[$0.ops[a].inputs.count - 1] = port($0, .tokenIds)
        },
        file("ids-and-mask-one-value", "bert-w2a2", "two model inputs name the same value") {
            $0.inputs[$0.inputs.firstIndex { $0.role == .attentionMask }!].value = port($0, .tokenIds)
        },
        file("read-before-write", "bert-w8a8", "before any op writes it") { $0.ops.swapAt(0, 1) },
        file("value-written-twice", "bert-w2a2", "already wrote (each value has one writer)") {
            let i = op($0, "encoder.layer.0.attention.output.dense")
            $0.ops.insert($0.ops[i], at: i + 1)
        },
        file("linear-writes-own-input", "bert-fp32", "one of its own inputs") {
            let i = op($0, "encoder.layer.0.attention.output.dense")
            $0.ops[i].outputs[0] = $0.ops[i].inputs[0]
        },
        file("op-writes-model-input", "bert-w2a2", "op 'embeddings': output 'token_type_ids' must be FP32") {
            $0.ops[op($0, "embeddings")].outputs[0] = port($0, .tokenTypes)
        },
        file("output-never-written", "classifier-w2a2", "is never written") {
            let pooled = $0.ops[op($0, "pool.cls")].outputs[0]
            $0.ops.removeAll { $0.outputs.contains(pooled) || $0.inputs.contains(pooled) || $0.name.hasPrefix("pooler") || $0.name.hasPrefix("classifier") }
        },
        file("attention-over-fixed-rows", "bert-w2a2", "differ in rows") {
            let a = op($0, "encoder.layer.0.attention.self")
            $0.values[$0.ops[a].inputs[0]].shape[0] = 5
        },
        file("mean-pool-over-fixed-rows", "bert-fp32", "differ in rows") {
            let p = $0.ops.firstIndex { $0.name.hasPrefix("pool") }!
            $0.values[$0.ops[p].inputs[0]].shape[0] = 70
        },
        file("row-stride-unpadded", "bert-w2a2", "is stored in 16 bytes (4 padded to 16)") {
            // Rows of 16 two-bit codes packed to 4 bytes with no padding: in bounds of the section,
            // but the kernels read 16-byte rows.
            let t = $0.tensors.firstIndex { $0.type.isPacked && $0.type.bits == 2 && $0.shape.last == 16 }!
            $0.tensors[t].rowStride = 4
            $0.tensors[t].size = $0.tensors[t].shape.dropLast().reduce(1, *) * 4
        },
        file("tensors-overlap", "bert-fp32", "overlap in section") {
            $0.tensors[1].section = $0.tensors[0].section
            $0.tensors[1].offset = $0.tensors[0].offset
        },
        file("arena-over-budget", "bert-fp32", "more than the memory budget", compressed: true) { model, sections in
            // A consistent graph taking 65,536 tokens (its position table all zeros, in a section of
            // its own): attention alone would plan tens of GiB.
            let rows = 1 << 16, hidden = model.bert!.hidden
            let t = model.tensors.firstIndex { $0.name.contains("position_embeddings") }!
            model.tensors[t].shape = [rows, hidden]
            model.tensors[t].section = sections.count
            model.tensors[t].offset = 0
            model.tensors[t].size = rows * hidden * 4
            sections.append(QVB.SectionPayload(name: "positions", bytes: [UInt8](repeating: 0, count: rows * hidden * 4)))
            model.maxTokens = rows
            model.bert!.maxPositions = rows
        },
        file("vocabulary-beyond-table", "bert-w2a2", "the tokenizer has 431 words but the word-embedding table 215 rows") {
            $0.tokenizer!.vocab += (0..<216).map { "extra\($0)" }
        },
        file("config-hidden", "bert-w2a2", "says hidden 32, the graph has 16") { $0.bert!.hidden = 32 },
        file("config-layers", "bert-fp32", "says layers 12, the graph has 1") { $0.bert!.layers = 12 },
        file("config-heads", "bert-w1a1", "says heads 1, the graph has 2") { $0.bert!.heads = 1 },
        file("config-intermediate", "bert-w8a8", "says intermediate_size 64") { $0.bert!.intermediate = 64 },
        file("config-vocabulary", "bert-w2a2", "says vocab_size 30522, the graph has 215") { $0.bert!.vocabSize = 30522 },
        file("config-positions", "bert-w2a2-zstd", "says max_position_embeddings 512, the graph has 64") { $0.bert!.maxPositions = 512 },
        file("config-token-types", "bert-fp32", "says type_vocab_size 1") { $0.bert!.typeVocabSize = 1 },
        file("config-layernorm-epsilon", "bert-w2a2", "says layer_norm_eps 1e-05") { $0.bert!.layerNormEps = 1e-5 },
        file("labels-on-embedder", "bert-w2a2", "names 2 class labels but has no logits output") { $0.bert!.labels = ["a", "b"] },
        file("labels-not-logits-width", "classifier-w2a2", "names 2 class labels but its logits output") { $0.bert!.labels = ["a", "b"] },
        file("special-id-beyond-vocabulary", "bert-w2a2", "tokenizer unk_id is 10000, but the vocabulary has 215 tokens") { $0.tokenizer!.unkId = 10_000 },
    ]
}
