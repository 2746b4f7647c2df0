import Foundation
import QVTrainer

/// Hostile trainer checkpoints: a committed seed `.ckpt` with its description or a tensor edited.
enum HostileCheckpoints {
    /// A hostile checkpoint `file`: seed `seed` with `edit` applied, re-serialized.
    static func file(_ file: String, _ seed: String, _ refusal: String,
                     _ edit: @escaping @Sendable (inout CheckpointFile) throws -> Void) -> Hostile {
        Hostile(harness: "checkpoint", file: file + ".ckpt", refusal: refusal) {
            var checkpoint = try CheckpointFile(data: try Hostile.seed("checkpoint", seed + ".ckpt"), path: seed)
            try edit(&checkpoint)
            return checkpoint.serialized()
        }
    }

    /// `checkpoint` with its model description's `config` edited.
    static func describe(_ checkpoint: inout CheckpointFile, _ edit: (inout [String: Any]) -> Void) throws {
        checkpoint.metadata["qv.model"] = String(decoding: try editedJSON(Data(checkpoint.metadata["qv.model"]!.utf8)) {
            var config = $0["config"] as! [String: Any]
            edit(&config)
            $0["config"] = config
        }, as: UTF8.self)
    }

    static let files: [Hostile] = [
        file("description-asks-terabytes", "classifier-w2a2", "asks for more weights than the checkpoint's") {
            try describe(&$0) { $0["vocabSize"] = 1 << 40; $0["hidden"] = 1 << 20 }
        },
        file("description-overflows", "classifier-fp32", "asks for more weights than the checkpoint's") {
            try describe(&$0) { $0["maxPositions"] = Int.max; $0["hidden"] = 4 }
        },
        file("vocabulary-beyond-table", "classifier-w2a2", "but the word-embedding table 215 rows") {
            // The finding of the checkpoint fuzzer (Tests/Fuzz/findings/checkpoint): compiled, then refused by the runtime.
            $0.metadata["qv.model"] = String(decoding: try editedJSON(Data($0.metadata["qv.model"]!.utf8)) {
                var tokenizer = $0["tokenizer"] as! [String: Any]
                tokenizer["vocab"] = (tokenizer["vocab"] as! [String]) + (0..<27).map { "extra\($0)" }
                $0["tokenizer"] = tokenizer
            }, as: UTF8.self)
        },
        file("description-negative", "classifier-w1a1", "inconsistent") { try describe(&$0) { $0["heads"] = -2 } },
        file("tensor-wrong-shape", "classifier-fp32", "tensor 'classifier.weight' has shape [8, 3], the model needs [3, 8]") {
            $0.tensors["classifier.weight"]!.shape = [8, 3]
        },
        file("tensor-missing", "classifier-w2a2", "no tensor") { $0.tensors[$0.tensors.keys.sorted()[0]] = nil },
        file("nan-weight", "classifier-w1a1", "holds nan at element 0") {
            let name = $0.tensors.keys.sorted().first { $0.contains("intermediate") && $0.hasSuffix("weight") }!
            $0.tensors[name]!.values[0] = .nan
        },
        file("no-description", "classifier-fp32", "no 'qv.model'") { $0.metadata = ["other": "x"] },
        file("description-not-json", "classifier-fp32", "is not a model description") { $0.metadata["qv.model"] = "{\"config\": " },
    ]
}

/// Hostile labelled-text files.
enum HostileDataFiles {
    static func file(_ file: String, _ refusal: String, _ text: String) -> Hostile {
        Hostile(harness: "data", file: file, refusal: refusal) { Array(text.utf8) }
    }

    static let files: [Hostile] = [
        file("no-text-column.csv", "no column 'text'", "words,sentiment\nthe fox,positive\nthe dog,negative\n"),
        file("one-label.csv", "every row has the label 'positive'", "text,sentiment\nthe fox,positive\nthe dog,positive\n"),
        file("unclosed-quote.csv", "a quoted field opens here and never closes", "text,sentiment\n\"the fox,positive\nthe dog,negative\n"),
        file("header-only.tsv", "a header but no rows", "text\tsentiment\n"),
        file("empty-label.jsonl", "empty 'sentiment' label", "{\"text\": \"the fox\", \"sentiment\": \"\"}\n{\"text\": \"a\", \"sentiment\": \"b\"}\n"),
        file("not-objects.jsonl", "record 1: not a JSON object", "[1, 2, 3]\n"),
    ]
}
