import Foundation
import Testing
import QVFormat

/// `qvc eval` on a tiny hand-made classifier: the mean of each token's word embedding is the
/// logits, so "bad", "good" and "meh" each pick their own class (model labels bad, good, meh).
@Suite struct EvalCommandTests {
    /// Writes the classifier and returns its path.
    static func classifier() throws -> String {
        let vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "bad", "good", "meh"]
        var word = [Float](repeating: 0, count: vocab.count * 3)
        for k in 0..<3 { word[(4 + k) * 3 + k] = 5 }
        let tables: [(String, [Float], Int)] = [("word", word, vocab.count), ("position", [Float](repeating: 0, count: 16 * 3), 16),
                                                ("type", [0, 0, 0], 1)]
        var section: [UInt8] = [], tensors: [QVB.Tensor] = []
        for (name, values, rows) in tables {
            let bytes = values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt32($0))) } }
            tensors.append(QVB.Tensor(name: name, type: .f32, shape: [rows, 3], section: 0, offset: section.count, size: bytes.count))
            section += bytes + [UInt8](repeating: 0, count: (64 - bytes.count % 64) % 64)
        }
        let values = [QVB.Value(name: "ids", type: .i32, shape: [-1]), QVB.Value(name: "types", type: .i32, shape: [-1]),
                      QVB.Value(name: "mask", type: .i32, shape: [-1]), QVB.Value(name: "hidden", type: .f32, shape: [-1, 3]),
                      QVB.Value(name: "logits", type: .f32, shape: [1, 3])]
        let bert = QVB.BertConfig(hidden: 3, layers: 0, heads: 1, intermediate: 3, vocabSize: vocab.count, maxPositions: 16,
                                  typeVocabSize: 1, layerNormEps: 1e-12, pooling: "mean", normalize: false, labels: ["bad", "good", "meh"])
        let model = QVB.Model(producer: QVB.Producer(name: "test"), family: .bert, bert: bert, precision: "fp32",
                              tokenizer: QVB.Tokenizer(vocab: vocab, maxLength: 16, unkId: 1, clsId: 2, sepId: 3, padId: 0), tensors: tensors, values: values,
                              ops: [QVB.Op(name: "embed", attributes: .embedding, inputs: [0, 1], outputs: [3], weights: [0, 1, 2]),
                                    QVB.Op(name: "pool", attributes: .meanPool, inputs: [3, 2], outputs: [4])],
                              inputs: [QVB.Port(name: "ids", value: 0, role: .tokenIds), QVB.Port(name: "types", value: 1, role: .tokenTypes),
                                       QVB.Port(name: "mask", value: 2, role: .attentionMask)],
                              outputs: [QVB.Port(name: "logits", value: 4, role: .logits)], maxTokens: 16)
        let path = try CLI.temporaryFolder() + "/classifier.qvb"
        try Data(try QVBWriter.encode(model, sections: [QVB.SectionPayload(name: "weights", bytes: section)], compression: .none))
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` to a fresh file named `name` and returns its path.
    static func dataFile(_ text: String, named name: String = "data.csv") throws -> String {
        let path = try CLI.temporaryFolder() + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Five texts, four right: the last "bad" is labelled good.
    static let data = "sentiment,text\ngood,good\nbad,bad\nmeh,\"meh, meh\"\ngood,good good\ngood,bad\n"

    @Test func jsonGivesAccuracyMacroF1AndConfusion() throws {
        let r = try CLI.run("qvc", ["eval", try Self.classifier(), "--data", try Self.dataFile(Self.data), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["accuracy"] as? Double == 0.8)
        #expect(o["texts"] as? Int == 5)
        #expect(o["labels"] as? [String] == ["bad", "good", "meh"])
        #expect(o["confusion"] as? [[Int]] == [[1, 0, 0], [1, 2, 0], [0, 0, 1]])
        // F1: bad 2/3, good 0.8, meh 1.
        #expect(abs((o["macro_f1"] as? Double ?? 0) - (2.0 / 3.0 + 0.8 + 1) / 3) < 1e-9)
        #expect(o["encoding"] as? String == "UTF-8")
    }

    @Test func readableTable() throws {
        let latin1 = Array("sentiment,text\ngood,good caf".utf8) + [0xE9] + Array("\nbad,bad\n".utf8)
        let path = try CLI.temporaryFolder() + "/latin1.csv"
        try Data(latin1).write(to: URL(fileURLWithPath: path))
        let r = try CLI.run("qvc", ["eval", try Self.classifier(), "--data", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("accuracy 100.00 % (2 of 2)"), "\(r.stdout)")
        #expect(r.stdout.contains("ISO-8859-1"), "\(r.stdout)")
        #expect(r.stdout.contains("confusion (rows: true label, columns: predicted):"), "\(r.stdout)")
    }

    @Test func unknownLabelNamesTheLabelAndTheRow() throws {
        let r = try CLI.run("qvc", ["eval", try Self.classifier(), "--data", try Self.dataFile(Self.data + "angry,grr\n")])
        #expect(r.status != 0)
        #expect(r.stderrIsOneLine, "\(r.stderr)")
        #expect(r.stderr.contains("data.csv:7: label 'angry' is not one of the model's (bad, good, meh)"), "\(r.stderr)")
    }

    @Test func missingColumnListsTheColumns() throws {
        let r = try CLI.run("qvc", ["eval", try Self.classifier(), "--data", try Self.dataFile(Self.data), "--label-column", "label"])
        #expect(r.status != 0)
        #expect(r.stderrIsOneLine, "\(r.stderr)")
        #expect(r.stderr.contains("no column 'label'; the columns are 'sentiment', 'text'"), "\(r.stderr)")
    }

    @Test func otherColumnsByOption() throws {
        let path = try Self.dataFile("{\"body\": \"good\", \"y\": \"good\"}\n{\"body\": \"meh\", \"y\": \"meh\"}\n", named: "d.jsonl")
        let r = try CLI.run("qvc", ["eval", try Self.classifier(), "--data", path, "--text-column", "body", "--label-column", "y", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"accuracy\":1.0"), "\(r.stdout)")
    }

    @Test func modelWithoutLogitsIsRefused() throws {
        let r = try CLI.run("qvc", ["eval", try GenericModelTests.imageModel(), "--data", try Self.dataFile(Self.data)])
        #expect(r.status != 0)
        #expect(r.stderrIsOneLine, "\(r.stderr)")
        #expect(r.stderr.contains("has no logits output"), "\(r.stderr)")
    }

    @Test func emptyDataAndUsageErrors() throws {
        let model = try Self.classifier()
        let empty = try CLI.run("qvc", ["eval", model, "--data", try Self.dataFile("")])
        #expect(empty.status == 1 && empty.stderrIsOneLine && empty.stderr.contains("empty"), "\(empty.stderr)")
        let noData = try CLI.run("qvc", ["eval", model])
        #expect(noData.status == 2 && noData.stderr.contains("--data"), "\(noData.stderr)")
        let checkpoint = try CLI.run("qvc", ["eval", "model.ckpt", "--data", "x.csv"])
        #expect(checkpoint.status == 1 && checkpoint.stderrIsOneLine && checkpoint.stderr.contains("model.ckpt"), "\(checkpoint.stderr)")
    }
}
