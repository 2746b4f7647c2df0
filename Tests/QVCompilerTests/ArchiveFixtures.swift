import Foundation
import Testing
@testable import QVCompiler

/// One tensor of a safetensors image a test writes: name, dtype as spelled in the file, shape
/// and little-endian bytes.
struct StoredTensor {
    let name: String
    let dtype: String
    let shape: [Int]
    let bytes: [UInt8]

    /// An F32 tensor holding `values`.
    static func f32(_ name: String, _ shape: [Int], _ values: [Float]) -> StoredTensor {
        StoredTensor(name: name, dtype: "F32", shape: shape, bytes: floatBytes(values))
    }

    /// An F16 tensor holding `values` rounded to binary16.
    static func f16(_ name: String, _ shape: [Int], _ values: [Float]) -> StoredTensor {
        StoredTensor(name: name, dtype: "F16", shape: shape, bytes: values.flatMap { littleEndian(Float16($0).bitPattern) })
    }

    /// A BF16 tensor holding the top halves of `values`.
    static func bf16(_ name: String, _ shape: [Int], _ values: [Float]) -> StoredTensor {
        StoredTensor(name: name, dtype: "BF16", shape: shape, bytes: values.flatMap { littleEndian(UInt16($0.bitPattern >> 16)) })
    }

    /// An I64 tensor holding `values`.
    static func i64(_ name: String, _ shape: [Int], _ values: [Int64]) -> StoredTensor {
        StoredTensor(name: name, dtype: "I64", shape: shape, bytes: values.flatMap { littleEndian(UInt64(bitPattern: $0)) })
    }
}

/// Little-endian bytes of `value`.
func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// A safetensors image holding `tensors` back to back in the given order.
func safetensorsImage(_ tensors: [StoredTensor]) -> Data {
    var entries: [String] = [], data: [UInt8] = []
    for t in tensors {
        let shape = t.shape.map(String.init).joined(separator: ",")
        entries.append(#""\#(t.name)":{"dtype":"\#(t.dtype)","shape":[\#(shape)],"data_offsets":[\#(data.count),\#(data.count + t.bytes.count)]}"#)
        data += t.bytes
    }
    return safetensors(header: "{" + entries.joined(separator: ",") + "}", data: data)
}

/// A new empty folder under the system's temporary folder.
func temporaryFolder() throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qv-import-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// `tensors` written as a safetensors file in a new temporary folder; returns its path.
func writeSafetensors(_ tensors: [StoredTensor], name: String = "model.safetensors") throws -> String {
    let path = try temporaryFolder() + "/" + name
    try safetensorsImage(tensors).write(to: URL(fileURLWithPath: path))
    return path
}

/// A tiny BERT (hidden 4, 2 heads, 1 layer, FFN 8, 6 positions, 7 tokens) as a Hugging Face
/// folder, every weight a distinct run of values.
enum TinyBert {
    static let hidden = 4, intermediate = 8, positions = 6, typeVocab = 2
    static let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"]

    /// How the tensors are named in the file.
    struct Layout {
        /// Prefix of every BERT tensor (`bert.` for a task model's checkpoint).
        var prefix = ""
        /// LayerNorm scale and shift names (`weight`/`bias` or `gamma`/`beta`).
        var normNames = ("weight", "bias")
        /// Tensors left out, by their name in the file.
        var omitted: Set<String> = []
    }

    /// BertModel's parameters: Hugging Face name (without prefix), shape, and whether it is a
    /// LayerNorm's.
    static let parameters: [(name: String, shape: [Int], isNorm: Bool)] = {
        var p: [(String, [Int], Bool)] = [
            ("embeddings.word_embeddings", [vocab.count, hidden], false),
            ("embeddings.position_embeddings", [positions, hidden], false),
            ("embeddings.token_type_embeddings", [typeVocab, hidden], false),
            ("embeddings.LayerNorm", [hidden], true)]
        let l = "encoder.layer.0."
        for (module, out, inF) in [("attention.self.query", hidden, hidden), ("attention.self.key", hidden, hidden),
                                   ("attention.self.value", hidden, hidden), ("attention.output.dense", hidden, hidden),
                                   ("intermediate.dense", intermediate, hidden), ("output.dense", hidden, intermediate)] {
            p.append((l + module, [out, inF], false))
            if module == "attention.output.dense" { p.append((l + "attention.output.LayerNorm", [hidden], true)) }
        }
        p.append((l + "output.LayerNorm", [hidden], true))
        return p
    }()

    /// The values written for tensor number `index` with `count` elements.
    static func values(_ index: Int, count: Int) -> [Float] {
        (0..<count).map { Float(index) + Float($0) / 64 }
    }

    /// The safetensors tensors of `layout`: every weight and bias (a linear layer's bias or a
    /// LayerNorm's shift numbered after its weight), plus BERT's unused `position_ids`.
    static func tensors(_ layout: Layout) -> [StoredTensor] {
        var out: [StoredTensor] = [.i64(layout.prefix + "embeddings.position_ids", [1, positions], (0..<Int64(positions)).map { $0 })]
        for (i, p) in parameters.enumerated() {
            let (weight, bias) = p.isNorm ? layout.normNames : ("weight", "bias")
            out.append(.f32(layout.prefix + p.name + "." + weight, p.shape, values(2 * i, count: p.shape.reduce(1, *))))
            if !p.name.hasPrefix("embeddings.") || p.isNorm {
                out.append(.f32(layout.prefix + p.name + "." + bias, [p.shape[0]], values(2 * i + 1, count: p.shape[0])))
            }
        }
        return out.filter { !layout.omitted.contains($0.name) }
    }

    /// A folder holding `config.json`, `vocab.txt` and `model.safetensors` in `layout`, plus
    /// `extra` tensors (a task head, say) and `extraConfig` members of config.json (JSON
    /// `"key":value` pairs, comma-separated).
    static func folder(_ layout: Layout, extra: [StoredTensor] = [], extraConfig: String = "") throws -> String {
        let dir = try temporaryFolder()
        let config = #"{"model_type":"bert","hidden_act":"gelu","hidden_size":\#(hidden),"num_attention_heads":2,"#
            + #""num_hidden_layers":1,"intermediate_size":\#(intermediate),"max_position_embeddings":\#(positions),"type_vocab_size":\#(typeVocab)"#
            + (extraConfig.isEmpty ? "" : "," + extraConfig) + "}"
        try config.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        try (vocab.joined(separator: "\n") + "\n").write(toFile: dir + "/vocab.txt", atomically: true, encoding: .utf8)
        try safetensorsImage(tensors(layout) + extra).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        return dir
    }
}

/// Every weight of `c` in one list, in a fixed order, for comparing two imports.
func allWeights(_ c: BertCheckpoint) -> [[Float]] {
    var out = [c.wordEmbeddings, c.positionEmbeddings, c.tokenTypeEmbeddings, c.embeddingNorm.gamma, c.embeddingNorm.beta]
    for l in c.layers {
        for lin in [l.query, l.key, l.value, l.attentionOutput, l.intermediate, l.output] { out += [lin.weight, lin.bias] }
        out += [l.attentionNorm.gamma, l.attentionNorm.beta, l.outputNorm.gamma, l.outputNorm.beta]
    }
    return out
}

/// The message of the `CompileError` `body` throws, or nil when it throws none.
func message(_ body: () throws -> Void) -> String? {
    do { try body(); return nil } catch let error as CompileError { return error.message } catch { return "\(error)" }
}
