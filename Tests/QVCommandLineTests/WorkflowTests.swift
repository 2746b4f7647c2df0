import Foundation
import Testing

/// The documented commands work as the README says, with the exact output contract.
@Suite struct WorkflowTests {
    @Test func qvrunJSONHasIdsAndNormalisedEmbedding() throws {
        let dir = try CLI.temporaryFolder()
        try "A man is playing a guitar.\nSomeone plays an instrument.\nThe stock market fell today.\n"
            .write(toFile: dir + "/texts.txt", atomically: true, encoding: .utf8)
        let r = try CLI.run("qvrun", [try CLI.compiledMiniLM("fp32"), "--input", dir + "/texts.txt", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        var embeddings: [[Double]] = []
        for line in lines {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((o["ids"] as? [Int])?.first == 101)
            let e = try #require(o["embedding"] as? [Double])
            #expect(e.count == 384)
            #expect(abs(e.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
            embeddings.append(e)
        }
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(dot(embeddings[0], embeddings[1]) > dot(embeddings[0], embeddings[2]))
    }

    @Test func qvrunTextSummaryShowsLatency() throws {
        let r = try CLI.run("qvrun", [try CLI.compiledMiniLM("w2a2"), "--text", "hello world"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ms"))
        #expect(r.stdout.contains("4 tokens"))
    }

    @Test func inspectReportsPackedLinearWeights() throws {
        for (bits, ratio) in [("w1a1", 32.0), ("w2a2", 16.0)] {
            let r = try CLI.run("qvc", ["inspect", try CLI.compiledMiniLM(bits), "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect(o["precision"] as? String == bits)
            #expect(o["linear_weight_compression"] as? Double == ratio)
            #expect((o["sections"] as? [Any])?.isEmpty == false)
        }
        let text = try CLI.run("qvc", ["inspect", try CLI.compiledMiniLM("w1a1")])
        #expect(text.stdout.contains("linear weights:"))
    }

    @Test func benchJSONContract() throws {
        let r = try CLI.run("qvc", ["bench", try CLI.compiledMiniLM("w1a1"), "--seq", "32", "--runs", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["file", "precision", "seq", "threads", "runs", "median_ms", "p10_ms", "p90_ms"] {
            #expect(o[key] != nil, "missing \(key)")
        }
        #expect(o["seq"] as? Int == 32)
    }

    @Test func stockFlatcDecodesCompiledFiles() throws {
        let flatc = "/usr/bin/flatc"
        try #require(FileManager.default.fileExists(atPath: flatc), "flatc missing: run tools/setup.sh")
        let dir = try CLI.temporaryFolder()
        let r = try CLI.run(flatc, ["--json", "--strict-json", "--raw-binary", "-o", dir, CLI.root.appendingPathComponent("formats/qvb.fbs").path,
                                    "--", try CLI.compiledMiniLM("w2a2")])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try String(contentsOfFile: dir + "/minilm-w2a2.json", encoding: .utf8)
        #expect(json.contains("\"precision\": \"w2a2\""))
        #expect(json.contains("AttentionAttrs"))
    }

    @Test func zstdCompiledFileRunsTheSame() throws {
        let dir = try CLI.temporaryFolder()
        let zpath = dir + "/minilm-w1a1-zstd.qvb"
        let c = try CLI.run("qvc", ["compile", try CLI.miniLM(), "-o", zpath, "--bits", "w1a1", "--zstd"])
        #expect(c.status == 0, "\(c.stderr)")
        let plain = try CLI.run("qvrun", [try CLI.compiledMiniLM("w1a1"), "--text", "zstd sections", "--json"])
        let packed = try CLI.run("qvrun", [zpath, "--text", "zstd sections", "--json"])
        func embedding(_ s: String) throws -> [Double] {
            try #require((try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])?["embedding"] as? [Double])
        }
        #expect(try embedding(plain.stdout) == embedding(packed.stdout))
        let size = { (p: String) in (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0 }
        #expect(size(zpath) < size(try CLI.compiledMiniLM("w1a1")))
    }
}
