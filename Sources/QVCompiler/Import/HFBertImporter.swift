import Foundation
import QVFormat

/// A BERT-family encoder read from a Hugging Face folder: `config.json`, `model.safetensors`,
/// `vocab.txt`, the tokenizer settings, and the sentence-transformers pooling/normalize modules
/// when present. Weights are FP32 row-major with PyTorch's `[out, in]` linear layout.
public struct BertCheckpoint {
    /// One encoder layer's weights.
    public struct Layer {
        public var query: Linear, key: Linear, value: Linear, attentionOutput: Linear
        public var attentionNorm: Norm
        public var intermediate: Linear, output: Linear
        public var outputNorm: Norm
    }
    /// A linear layer: `weight` is `[out, in]`.
    public struct Linear {
        public var weight: [Float], bias: [Float]
        public var outFeatures: Int, inFeatures: Int
    }
    /// LayerNorm parameters.
    public struct Norm { public var gamma: [Float], beta: [Float] }

    /// Architecture, tokenizer and pooling.
    public var config: QVB.BertConfig
    /// Tokenizer (vocabulary and settings).
    public var tokenizer: QVB.Tokenizer
    /// Embedding tables `[rows, hidden]`.
    public var wordEmbeddings: [Float], positionEmbeddings: [Float], tokenTypeEmbeddings: [Float]
    /// Embedding LayerNorm.
    public var embeddingNorm: Norm
    /// Encoder layers.
    public var layers: [Layer]
    /// Where it was read from.
    public var source: String
}

extension BertCheckpoint {
    /// Reads a BERT-family folder (or a `.safetensors` file inside one). Tensor names may carry
    /// the `bert.` prefix or not.
    public init(huggingFaceFolder input: String) throws(CompileError) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
            throw CompileError("\(input): no such file or folder; pass a Hugging Face BERT folder (config.json, model.safetensors, vocab.txt)")
        }
        let folder = isDir.boolValue ? input : (input as NSString).deletingLastPathComponent
        let weightsPath = isDir.boolValue ? folder + "/model.safetensors" : input
        guard let cfg = try JSONFile.read(folder + "/config.json") else {
            throw CompileError("\(folder): no config.json; qvc compile needs a Hugging Face BERT folder")
        }
        if let type = cfg.string("model_type"), type != "bert" {
            throw CompileError("\(cfg.path): model_type '\(type)' is not BERT; qvc compiles BERT-family encoders (model_type bert)")
        }
        if let act = cfg.string("hidden_act"), act != "gelu" {
            throw CompileError("\(cfg.path): hidden_act '\(act)' is not supported; qv runs exact (erf) GELU")
        }
        let hidden = try cfg.requiredPositive("hidden_size"), heads = try cfg.requiredPositive("num_attention_heads")
        guard hidden % heads == 0 else { throw CompileError("\(cfg.path): hidden_size \(hidden) is not a multiple of num_attention_heads \(heads)") }
        let layerCount = try cfg.requiredPositive("num_hidden_layers")
        let intermediate = try cfg.requiredPositive("intermediate_size")
        let maxPositions = try cfg.requiredPositive("max_position_embeddings")
        let typeVocab = cfg.int("type_vocab_size") ?? 2

        let st = try SafeTensorsFile(path: weightsPath)
        let prefix = st.entries.keys.contains { $0.hasPrefix("bert.") } ? "bert." : ""
        func tensor(_ name: String, _ shape: [Int]) throws(CompileError) -> [Float] {
            let full = prefix + name
            var (values, actual) = (([Float](), [Int]()))
            if st.entries[full] != nil { (values, actual) = try st.floats(full) }
            else if name.hasSuffix(".weight"), st.entries[full.replacingOccurrences(of: ".weight", with: ".gamma")] != nil {
                (values, actual) = try st.floats(full.replacingOccurrences(of: ".weight", with: ".gamma"))
            } else if name.hasSuffix(".bias"), st.entries[full.replacingOccurrences(of: ".bias", with: ".beta")] != nil {
                (values, actual) = try st.floats(full.replacingOccurrences(of: ".bias", with: ".beta"))
            } else {
                throw CompileError("\(weightsPath): missing tensor '\(full)'; is this a BERT checkpoint?")
            }
            guard actual == shape else {
                throw CompileError("\(weightsPath): tensor '\(full)' has shape \(actual), config.json implies \(shape)")
            }
            return values
        }
        func linear(_ name: String, out: Int, in inF: Int) throws(CompileError) -> Linear {
            Linear(weight: try tensor(name + ".weight", [out, inF]), bias: try tensor(name + ".bias", [out]), outFeatures: out, inFeatures: inF)
        }
        func norm(_ name: String) throws(CompileError) -> Norm {
            Norm(gamma: try tensor(name + ".weight", [hidden]), beta: try tensor(name + ".bias", [hidden]))
        }
        let vocab = try Self.readVocabulary(folder + "/vocab.txt")
        guard let vocabSize = st.entries[prefix + "embeddings.word_embeddings.weight"]?.shape.first else {
            throw CompileError("\(weightsPath): missing tensor '\(prefix)embeddings.word_embeddings.weight'")
        }
        guard vocab.count <= vocabSize else {
            throw CompileError("\(folder)/vocab.txt has \(vocab.count) tokens but the embedding table only \(vocabSize) rows")
        }
        wordEmbeddings = try tensor("embeddings.word_embeddings.weight", [vocabSize, hidden])
        positionEmbeddings = try tensor("embeddings.position_embeddings.weight", [maxPositions, hidden])
        tokenTypeEmbeddings = try tensor("embeddings.token_type_embeddings.weight", [typeVocab, hidden])
        embeddingNorm = try norm("embeddings.LayerNorm")
        layers = []
        for l in 0..<layerCount {
            let p = "encoder.layer.\(l)."
            layers.append(Layer(
                query: try linear(p + "attention.self.query", out: hidden, in: hidden),
                key: try linear(p + "attention.self.key", out: hidden, in: hidden),
                value: try linear(p + "attention.self.value", out: hidden, in: hidden),
                attentionOutput: try linear(p + "attention.output.dense", out: hidden, in: hidden),
                attentionNorm: try norm(p + "attention.output.LayerNorm"),
                intermediate: try linear(p + "intermediate.dense", out: intermediate, in: hidden),
                output: try linear(p + "output.dense", out: hidden, in: intermediate),
                outputNorm: try norm(p + "output.LayerNorm")))
        }
        let sentence = try SentenceTransformersSettings(folder: folder)
        config = QVB.BertConfig(hidden: hidden, layers: layerCount, heads: heads, intermediate: intermediate,
                                vocabSize: vocabSize, maxPositions: maxPositions, typeVocabSize: typeVocab,
                                layerNormEps: Float(cfg.double("layer_norm_eps") ?? 1e-12),
                                pooling: sentence.pooling, normalize: sentence.normalize, labels: [])
        tokenizer = try Self.tokenizerSettings(folder: folder, vocab: vocab, maxPositions: maxPositions,
                                               sentenceMaxLength: sentence.maxSequenceLength)
        source = folder
    }

    static func readVocabulary(_ path: String) throws(CompileError) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CompileError("\(path): cannot read the vocabulary; the BERT folder needs vocab.txt")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CompileError("\(path): not UTF-8") }
        // As Hugging Face reads vocab.txt: one token a line, trailing whitespace removed.
        var lines = text.components(separatedBy: "\n").map { line -> String in
            var s = Substring(line)
            while let last = s.last, last.isWhitespace { s.removeLast() }
            return String(s)
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw CompileError("\(path): the vocabulary is empty") }
        return lines
    }
}
