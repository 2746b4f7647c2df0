import Foundation
import Testing

/// Every kind of bad input gets one clear line on standard error and a non-zero exit — never a
/// crash, never a hang (CLI.run records both).
@Suite struct BadInputTests {
    @Test func missingModelFile() throws {
        let r = try CLI.run("qvrun", ["/nonexistent/model.qvb", "--text", "hello"])
        #expect(r.status != 0)
        #expect(r.stderrIsOneLine)
        #expect(r.stderr.contains("/nonexistent/model.qvb"))
    }

    @Test func wrongFileType() throws {
        let r = try CLI.run("qvrun", [CLI.root.appendingPathComponent("Package.swift").path, "--text", "hello"])
        #expect(r.status != 0)
        #expect(r.stderrIsOneLine)
        #expect(r.stderr.lowercased().contains("qvb"))
    }

    @Test func truncatedModelAtManyLengths() throws {
        let good = try Data(contentsOf: URL(fileURLWithPath: try CLI.compiledMiniLM("w1a1")))
        let dir = try CLI.temporaryFolder()
        for fraction in [0.0, 0.001, 0.1, 0.5, 0.9, 0.999] {
            let path = dir + "/cut.qvb"
            try good.prefix(Int(Double(good.count) * fraction)).write(to: URL(fileURLWithPath: path))
            let r = try CLI.run("qvrun", [path, "--text", "hello"])
            #expect(r.status != 0, "a \(fraction) truncation ran")
            #expect(r.stderrIsOneLine)
        }
    }

    @Test func flippedBytesAreCaught() throws {
        let good = try Data(contentsOf: URL(fileURLWithPath: try CLI.compiledMiniLM("w1a1")))
        let dir = try CLI.temporaryFolder()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var caught = 0
        for trial in 0..<12 {
            var bad = good
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let at = trial == 0 ? good.count / 2 : Int((state >> 33) % UInt64(good.count))
            bad[at] ^= 0x5A
            let path = dir + "/flip.qvb"
            try bad.write(to: URL(fileURLWithPath: path))
            let r = try CLI.run("qvrun", [path, "--text", "hello"])
            if r.status != 0 { caught += 1; #expect(r.stderrIsOneLine) }
        }
        // Every byte is covered by the verifier, a section CRC or padding; a flip in padding may
        // still run, and must then give a normal result (checked by CLI.run not crashing).
        #expect(caught >= 10)
    }

    @Test func emptyText() throws {
        let r = try CLI.run("qvrun", [try CLI.compiledMiniLM("fp32"), "--text", ""])
        #expect(r.status != 0)
        #expect(r.stderrIsOneLine)
        #expect(r.stderr.contains("empty"))
    }

    @Test func veryLongTextIsTruncated() throws {
        let text = String(repeating: "the quick brown fox jumps over the lazy dog ", count: 2300).prefix(100_000)
        let r = try CLI.run("qvrun", [try CLI.compiledMiniLM("fp32"), "--text", String(text), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let ids = try #require(o["ids"] as? [Int])
        #expect(ids.count == 256)
        #expect(ids.first == 101 && ids.last == 102)
    }

    @Test func emptyLineInInputFile() throws {
        let dir = try CLI.temporaryFolder()
        try "first\n\nthird\n".write(toFile: dir + "/texts.txt", atomically: true, encoding: .utf8)
        let r = try CLI.run("qvrun", [try CLI.compiledMiniLM("fp32"), "--input", dir + "/texts.txt"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("texts.txt:2"))
    }

    @Test func unknownOptionAndMissingArguments() throws {
        for args in [["x.qvb", "--txt", "a"], [], ["x.qvb"]] {
            let r = try CLI.run("qvrun", args)
            #expect(r.status == 2, "\(args)")
        }
        let r = try CLI.run("qvc", ["compile", "somewhere"])
        #expect(r.status == 2)
    }

    @Test func lyingSafetensorsLeavesNoPartialOutput() throws {
        let dir = try CLI.temporaryFolder()
        let model = try CLI.miniLM()
        for f in ["config.json", "vocab.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(atPath: model + "/" + f, toPath: dir + "/" + f)
        }
        var lying = Data((0..<8).map { UInt8(truncatingIfNeeded: UInt64(1 << 30) >> (8 * UInt64($0))) })
        lying.append(Data(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8))
        try lying.write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let out = dir + "/out.qvb"
        let r = try CLI.run("qvc", ["compile", dir, "-o", out, "--bits", "w2a2"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("safetensors"))
        #expect(r.stderrIsOneLine)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("out.qvb") }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func missingModelFolder() throws {
        let r = try CLI.run("qvc", ["compile", "/nonexistent/folder", "-o", "/tmp/never.qvb"])
        #expect(r.status != 0)
        #expect(r.stderrIsOneLine)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.qvb"))
    }
}
