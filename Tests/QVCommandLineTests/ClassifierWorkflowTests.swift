import Foundation
import Testing

/// A sequence classifier end to end as a user runs it: a `BertForSequenceClassification` folder
/// (tools/make_random_bert.py --labels), `qvc compile`, `qvc inspect`, `qvrun` with and without
/// `--json`.
@Suite(.serialized) struct ClassifierWorkflowTests {
    static let labels = ["negative", "neutral", "positive"]

    /// A small random classifier folder with MiniLM's vocabulary, made once.
    static let folder: Result<String, Error> = Result {
        let dir = try CLI.temporaryFolder() + "/classifier"
        let r = try CLI.run("/usr/bin/env", ["python3", CLI.root.appendingPathComponent("tools/make_random_bert.py").path, dir,
                                             "--hidden", "32", "--layers", "2", "--heads", "2", "--intermediate", "64",
                                             "--vocab-from", try CLI.miniLM(), "--labels", labels.joined(separator: ",")])
        try #require(r.status == 0, "make_random_bert.py failed: \(r.stderr)")
        return dir
    }

    /// The folder compiled at `bits`.
    static func compiled(_ bits: String) throws -> String {
        let path = try CLI.temporaryFolder() + "/classifier-\(bits).qvb"
        let r = try CLI.run("qvc", ["compile", try folder.get(), "-o", path, "--bits", bits])
        try #require(r.status == 0, "qvc compile failed: \(r.stderr)")
        return path
    }

    @Test(arguments: ["fp32", "w8a8", "w2a2", "w1a1"])
    func qvrunJSONGivesLogitsProbsAndLabel(_ bits: String) throws {
        let model = try Self.compiled(bits)
        let dir = try CLI.temporaryFolder()
        try "what a lovely day\nthis is awful\n".write(toFile: dir + "/texts.txt", atomically: true, encoding: .utf8)
        let r = try CLI.run("qvrun", [model, "--input", dir + "/texts.txt", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let logits = try #require(o["logits"] as? [Double]), probs = try #require(o["probs"] as? [Double])
            let label = try #require(o["label"] as? String)
            #expect(logits.count == 3 && probs.count == 3 && o["embedding"] == nil)
            #expect(abs(probs.reduce(0, +) - 1) < 1e-5)
            let best = try #require(logits.indices.max { logits[$0] < logits[$1] })
            #expect(label == Self.labels[best])
        }
    }

    @Test func qvrunSummaryShowsLabelAndProbability() throws {
        let r = try CLI.run("qvrun", [try Self.compiled("w2a2"), "--text", "what a lovely day"])
        #expect(r.status == 0, "\(r.stderr)")
        let line = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        #expect(Self.labels.contains { line.contains("label \($0) (p = 0.") }, "\(line)")
        #expect(line.contains("ms") && !line.contains("embedding"))
    }

    @Test func inspectShowsTheHead() throws {
        let model = try Self.compiled("w1a1")
        let text = try CLI.run("qvc", ["inspect", model])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("head: classifier of 3 labels: negative, neutral, positive"), "\(text.stdout)")
        #expect(text.stdout.contains("outputs: logits (logits, [1, 3])"), "\(text.stdout)")
        #expect(text.stdout.contains("pooling cls"))
        let json = try CLI.run("qvc", ["inspect", model, "--json"])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(o["labels"] as? [String] == Self.labels)
        let tensors = try #require(o["tensors"] as? [[String: Any]])
        for name in ["pooler.dense.weight", "classifier.weight"] {
            #expect(tensors.first { $0["name"] as? String == name }?["bits"] as? Int == 8, "\(name)")
        }
    }
}
