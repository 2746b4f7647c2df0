import Foundation
import Testing
import QVFormat
import QVFuzzing
import QVRuntime

/// The hostile `.qvb` corpus: one file per class of integrity-valid damage (checksums recomputed,
/// so only the semantic checks can catch it), each made from a committed seed by a named edit and
/// run through the fuzz harness — what `qvrun` does. Every one must be refused when it loads,
/// with a message naming the value, op or field; none may crash or run.
@Suite struct HostileCorpusTests {
    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/seeds")

    /// One hostile file: a seed, an edit, and what the refusal must say.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String, seed: String, refusal: String
        let edit: @Sendable (inout QVB.Model) -> Void
        var testDescription: String { name }
    }

    static func value(_ m: QVB.Model, _ name: String) -> Int { m.values.firstIndex { $0.name == name }! }
    static func op(_ m: QVB.Model, _ name: String) -> Int { m.ops.firstIndex { $0.name == name }! }
    static func port(_ m: QVB.Model, _ role: QVB.IORole) -> Int { m.inputs.first { $0.role == role }!.value }

    static let cases: [Case] = [
        Case(name: "embedding reads its ids from the mask", seed: "bert-w2a2", refusal: "as its tokenIds input, but that value is the model's attentionMask input") {
            $0.ops[op($0, "embeddings")].inputs[0] = port($0, .attentionMask)
        },
        Case(name: "embedding reads token types from the ids", seed: "bert-fp32", refusal: "as its tokenTypes input, but that value is the model's tokenIds input") {
            $0.ops[op($0, "embeddings")].inputs[1] = port($0, .tokenIds)
        },
        Case(name: "attention takes the ids as its mask", seed: "bert-w1a1", refusal: "as its attentionMask input") {
            let a = op($0, "encoder.layer.0.attention.self")
            $0.ops[a].inputs[$0.ops[a].inputs.count - 1] = port($0, .tokenIds)
        },
        Case(name: "an op reads a value before it is written", seed: "bert-w8a8", refusal: "before any op writes it") {
            $0.ops.swapAt(0, 1)
        },
        Case(name: "an op is duplicated: its output written twice", seed: "bert-w2a2", refusal: "already wrote (each value has one writer)") {
            let i = op($0, "encoder.layer.0.attention.output.dense")
            $0.ops.insert($0.ops[i], at: i + 1)
        },
        Case(name: "a linear writes its own input", seed: "bert-fp32", refusal: "one of its own inputs") {
            let i = op($0, "encoder.layer.0.attention.output.dense")
            $0.ops[i].outputs[0] = $0.ops[i].inputs[0]
        },
        Case(name: "an op writes a model input", seed: "bert-w2a2", refusal: "op 'embeddings': output 'token_type_ids' must be FP32") {
            $0.ops[op($0, "embeddings")].outputs[0] = port($0, .tokenTypes)
        },
        Case(name: "the output is never written", seed: "classifier-w2a2", refusal: "is never written") {
            let pooled = $0.ops[op($0, "pool.cls")].outputs[0]
            $0.ops.removeAll { $0.outputs.contains(pooled) || $0.inputs.contains(pooled) || $0.name.hasPrefix("pooler") || $0.name.hasPrefix("classifier") }
        },
        Case(name: "a vocabulary larger than the embedding table", seed: "bert-w2a2", refusal: "the tokenizer has 431 words but the word-embedding table 215 rows") {
            $0.tokenizer!.vocab += (0..<216).map { "extra\($0)" }
            $0.bert!.vocabSize = 215
        },
        Case(name: "config: hidden", seed: "bert-w2a2", refusal: "says hidden 32, the graph has 16") { $0.bert!.hidden = 32 },
        Case(name: "config: layers", seed: "bert-fp32", refusal: "says layers 12, the graph has 1") { $0.bert!.layers = 12 },
        Case(name: "config: heads", seed: "bert-w1a1", refusal: "says heads 1, the graph has 2") { $0.bert!.heads = 1 },
        Case(name: "config: intermediate", seed: "bert-w8a8", refusal: "says intermediate_size 64") { $0.bert!.intermediate = 64 },
        Case(name: "config: vocabulary", seed: "bert-w2a2", refusal: "says vocab_size 30522, the graph has 215") { $0.bert!.vocabSize = 30522 },
        Case(name: "config: positions", seed: "bert-w2a2-zstd", refusal: "says max_position_embeddings 512, the graph has 64") { $0.bert!.maxPositions = 512 },
        Case(name: "config: token types", seed: "bert-fp32", refusal: "says type_vocab_size 1") { $0.bert!.typeVocabSize = 1 },
        Case(name: "config: LayerNorm epsilon", seed: "bert-w2a2", refusal: "says layer_norm_eps 1e-05") { $0.bert!.layerNormEps = 1e-5 },
        Case(name: "labels on an embedder", seed: "bert-w2a2", refusal: "names 2 class labels but has no logits output") { $0.bert!.labels = ["a", "b"] },
        Case(name: "labels that don't match the logits", seed: "classifier-w2a2", refusal: "names 2 class labels but its logits output") {
            $0.bert!.labels = ["a", "b"]
        },
    ]

    /// The seed `name` and its decoded model and sections.
    static func seed(_ name: String) throws -> (QVB.Model, [QVB.SectionPayload], QVB.Compression) {
        let data = try Data(contentsOf: seeds.appendingPathComponent("\(name).qvb"))
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let file = try QVBFile(bytes: raw)
            return (file.model, file.sectionPayloads, file.sections.contains { $0.compression == .zstd } ? .zstd : .none)
        }
    }

    @Test(arguments: cases)
    func refused(_ c: Case) throws {
        var (model, sections, compression) = try Self.seed(c.seed)
        c.edit(&model)
        let bytes: [UInt8]
        do { bytes = try QVBWriter.encode(model, sections: sections, compression: compression, zstdLevel: 1) } catch {
            // The writer applies the reader's rules: a case it refuses is refused before loading.
            Issue.record("the writer refused the hostile edit: \(error.message); make the edit reach the runtime")
            return
        }
        let outcome = bytes.withUnsafeBytes { QVBHarness.run($0) }
        guard case .refused(let message) = outcome else { Issue.record("\(c.name): not refused, \(outcome)"); return }
        #expect(message.contains(c.refusal), "\(c.name): \(message)")
        #expect(!message.contains("\n"), "one line: \(message)")
    }

    /// The arena is sized against the host's budget before anything is allocated: over it, the
    /// session is refused with the size, the largest value and what to do.
    @Test func memoryBudget() throws {
        let data = try Data(contentsOf: Self.seeds.appendingPathComponent("bert-w2a2.qvb"))
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let model = try QVModel(file: try QVBFile(bytes: raw))
            #expect(throws: Never.self) { _ = try InferenceSession(model: model, memoryBudget: 1 << 20) }
            do {
                _ = try InferenceSession(model: model, memoryBudget: 4096)
                Issue.record("a 4 KiB budget was accepted")
            } catch let error as RuntimeError {
                #expect(error.kind == .memoryBudget)
                #expect(error.message.contains("more than the memory budget of 4096 bytes") && error.message.contains("largest value '"), "\(error.message)")
            }
        }
    }

    /// The seeds themselves load and run every probe input but the ids out of range.
    @Test(arguments: ["bert-fp32", "bert-w8a8", "bert-w2a2", "bert-w2a2-zstd", "bert-w1a1", "classifier-w2a2"])
    func seedsRun(_ name: String) throws {
        let data = try Data(contentsOf: Self.seeds.appendingPathComponent("\(name).qvb"))
        #expect(data.withUnsafeBytes { QVBHarness.run($0) } == .ran(refusedRuns: 1))
    }
}
