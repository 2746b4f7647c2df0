import Foundation
import QVCompiler
import QVFuzzing
import QVTrainer

/// Hostile Hugging Face folders and tokenizer files (as `FuzzArchive` inputs): each made from a
/// committed seed folder with one file edited.
enum HostileFolders {
    /// A hostile folder `file` of `harness`: seed archive `seed` with `edit` applied to its files.
    static func file(_ harness: String, _ file: String, _ seed: String, _ refusal: String,
                     _ edit: @escaping @Sendable (inout [String: Data]) throws -> Void) -> Hostile {
        Hostile(harness: harness, file: file + ".archive", refusal: refusal) {
            var files = try Hostile.seed(harness, seed + ".archive").withUnsafeBytes { FuzzArchive.files($0) }
            try edit(&files)
            return FuzzArchive.encode(files)
        }
    }

    /// `files` with config.json edited.
    static func config(_ files: inout [String: Data], _ edit: (inout [String: Any]) -> Void) throws {
        files["config.json"] = try editedJSON(files["config.json"]!, edit)
    }

    /// `files` with the weights re-written after `edit` (tensors by name).
    static func weights(_ files: inout [String: Data], _ edit: (inout [String: CheckpointTensor]) -> Void) throws {
        let archive = try SafeTensorsFile(data: files["model.safetensors"]!, path: "model.safetensors")
        var tensors: [String: CheckpointTensor] = [:]
        for name in archive.tensorNames {
            let (values, shape) = try archive.floats(name)
            tensors[name] = CheckpointTensor(shape: shape, values: values)
        }
        edit(&tensors)
        files["model.safetensors"] = Data(CheckpointFile(tensors: tensors).serialized())
    }

    static let files: [Hostile] = [
        file("huggingface", "hidden-size-fraction", "bert", "'hidden_size' must be a positive integer") {
            try config(&$0) { $0["hidden_size"] = 8.5 }
        },
        file("huggingface", "layer-count-string", "bert", "'num_hidden_layers' must be a positive integer") {
            try config(&$0) { $0["num_hidden_layers"] = "1" }
        },
        file("huggingface", "type-vocab-zero", "bert", "type_vocab_size is 0") {
            try config(&$0) { $0["type_vocab_size"] = 0 }
            try weights(&$0) { $0["bert.embeddings.token_type_embeddings.weight"] = CheckpointTensor(shape: [0, 8], values: []) }
        },
        file("huggingface", "layernorm-epsilon-zero", "classifier", "layer_norm_eps") { try config(&$0) { $0["layer_norm_eps"] = 0 } },
        file("huggingface", "positions-one", "bert", "a sequence needs at least [CLS] and [SEP]") {
            try config(&$0) { $0["max_position_embeddings"] = 1 }
            try weights(&$0) {
                let name = "bert.embeddings.position_embeddings.weight"
                $0[name] = CheckpointTensor(shape: [1, 8], values: Array($0[name]!.values.prefix(8)))
            }
        },
        file("huggingface", "relu-activation", "bert", "hidden_act 'relu' is not supported") { try config(&$0) { $0["hidden_act"] = "relu" } },
        file("huggingface", "nan-weight", "bert", "holds nan at element 3") {
            try weights(&$0) { $0["bert.encoder.layer.0.intermediate.dense.weight"]!.values[3] = .nan }
        },
        file("huggingface", "infinite-classifier-bias", "classifier", "weight 'classifier.bias' holds -inf at element 1") {
            try weights(&$0) { $0["classifier.bias"]!.values[1] = -.infinity }
        },
        file("huggingface", "weights-truncated", "bert", "not a valid safetensors file") {
            $0["model.safetensors"] = $0["model.safetensors"]!.prefix(4000)
        },
        file("huggingface", "vocabulary-beyond-table", "bert", "tokens but the embedding table only") {
            $0["vocab.txt"]! += Data((0..<300).map { "extra\($0)\n" }.joined().utf8)
        },
        file("huggingface", "pooling-path-escapes", "sentence", "leaves the model folder") {
            $0["modules.json"] = Data(#"[{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "path": "../../etc", "type": "sentence_transformers.models.Pooling"}]"#.utf8)
        },
        file("huggingface", "no-config", "bert", "no config.json") { $0["config.json"] = nil },
        file("tokenizer-files", "vocabulary-without-unk", "minilm-settings", "has no [UNK] token") {
            $0["vocab.txt"] = Data(String(decoding: $0["vocab.txt"]!, as: UTF8.self).replacingOccurrences(of: "[UNK]\n", with: "").utf8)
        },
        file("tokenizer-files", "vocabulary-not-utf8", "minilm-settings", "not UTF-8") { $0["vocab.txt"]! += Data([0xff, 0xfe, 0x0a]) },
        file("tokenizer-files", "vocabulary-empty", "vocab-crlf", "the vocabulary is empty") { $0["vocab.txt"] = Data() },
        file("tokenizer-files", "normalizer-not-bert", "minilm-settings", "is not BertNormalizer") {
            $0["tokenizer.json"] = try editedJSON($0["tokenizer.json"]!) { $0["normalizer"] = ["type": "NFC"] }
        },
        file("tokenizer-files", "max-chars-fraction", "minilm-settings", "'max_input_chars_per_word' must be an integer") {
            $0["tokenizer.json"] = try editedJSON($0["tokenizer.json"]!) {
                $0["model"] = ["type": "WordPiece", "continuing_subword_prefix": "##", "max_input_chars_per_word": 2.5]
            }
        },
        file("tokenizer-files", "settings-not-json", "minilm-settings", "not valid JSON") { $0["tokenizer_config.json"] = Data("{\"do_lower_case\": tr".utf8) },
    ]
}
