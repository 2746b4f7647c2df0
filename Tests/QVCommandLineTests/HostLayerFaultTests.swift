import Foundation
import Testing
import QVFormat

/// The host layer under faults and awkward input: CRLF and CR line ends, many inputs, outputs
/// that are NaN, an output path that is the input, a memory budget, a file-size limit, and a
/// signal while writing. Each test can fail: it checks the behaviour, not just that nothing crashed.
@Suite struct HostLayerFaultTests {
    static let seeds = CLI.root.appendingPathComponent("Tests/Fuzz/seeds/qvb")

    @Test func windowsAndOldMacLineEndsSplitInputs() throws {
        let dir = try CLI.temporaryFolder()
        for (name, text) in [("crlf", "a cat\r\nthe dog\r\nover\r\n"), ("cr", "a cat\rthe dog\rover")] {
            let path = "\(dir)/\(name).txt"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let r = try CLI.run("qvrun", [Self.seeds.appendingPathComponent("bert-w2a2.qvb").path, "--input", path, "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.split(separator: "\n").count == 3, "\(name): \(r.stdout.prefix(300))")
        }
    }

    @Test func manyInputsGetASummaryNotASquareTable() throws {
        let dir = try CLI.temporaryFolder(), path = dir + "/many.txt"
        try Data((0..<40).map { "the fox \($0)" }.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let r = try CLI.run("qvrun", [Self.seeds.appendingPathComponent("bert-fp32.qvb").path, "--input", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("cosine similarity: shown for up to 16 texts, not for 40"))
        #expect(r.stdout.split(separator: "\n").count == 41)
    }

    /// A model whose weights are NaN (crafted: the compiler refuses such checkpoints) prints NaN.
    @Test func notANumberOutputsPrint() throws {
        let seed = try Data(contentsOf: Self.seeds.appendingPathComponent("bert-fp32.qvb"))
        let bytes: [UInt8] = try seed.withUnsafeBytes { raw in
            let file = try QVBFile(bytes: raw)
            var sections = file.sectionPayloads
            let gamma = try #require(file.model.tensors.first { $0.name == "embeddings.LayerNorm.weight" })
            for i in gamma.offset..<gamma.offset + gamma.size { sections[gamma.section].bytes[i] = 0xFF }
            return try QVBWriter.encode(file.model, sections: sections, compression: .none)
        }
        let path = try CLI.temporaryFolder() + "/nan.qvb"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let readable = try CLI.run("qvrun", [path, "--text", "the fox"])
        #expect(readable.status == 0 && readable.stdout.contains("nan"), "\(readable.stdout) \(readable.stderr)")
        let json = try CLI.run("qvrun", [path, "--text", "the fox", "--json"])
        #expect(json.status == 0 && json.stdout.contains("null"), "\(json.stdout) \(json.stderr)")
    }

    @Test func aMemoryBudgetTooSmallIsOneLine() throws {
        let r = try CLI.run("qvrun", [Self.seeds.appendingPathComponent("bert-w1a1.qvb").path, "--text", "the fox", "--max-memory", "4K"])
        #expect(r.status != 0 && r.stderrIsOneLine)
        #expect(r.stderr.contains("more than the memory budget of 4096 bytes"), "\(r.stderr)")
        let bad = try CLI.run("qvrun", [Self.seeds.appendingPathComponent("bert-w1a1.qvb").path, "--text", "x", "--max-memory", "lots"])
        #expect(bad.status != 0 && bad.stderr.contains("--max-memory takes a size"))
    }

    @Test func compilingOverTheInputIsRefused() throws {
        let dir = try CLI.temporaryFolder()
        let r = try CLI.run("/usr/bin/env", ["python3", CLI.root.appendingPathComponent("tools/make_random_bert.py").path, dir + "/bert",
                                             "--hidden", "16", "--layers", "1", "--heads", "2", "--intermediate", "32", "--max-positions", "16"])
        try #require(r.status == 0, "\(r.stderr)")
        let weights = dir + "/bert/model.safetensors"
        let before = try Data(contentsOf: URL(fileURLWithPath: weights))
        let c = try CLI.run("qvc", ["compile", dir + "/bert", "-o", dir + "/bert/../bert/model.safetensors"])
        #expect(c.status != 0 && c.stderrIsOneLine && c.stderr.contains("would destroy the input"), "\(c.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: weights)) == before)
    }

    /// `qvc split` writes both parts, every row in one of them, and refuses a folder whose
    /// `train.csv` or `test.csv` is its own input.
    @Test func splitWritesBothPartsAndNeverItsInput() throws {
        let dir = try CLI.temporaryFolder()
        let rows = (0..<40).map { "text \($0),\($0 % 2 == 0 ? "positive" : "negative")\n" }.joined()
        try Data(("text,sentiment\n" + rows).utf8).write(to: URL(fileURLWithPath: dir + "/train.csv"))
        let r = try CLI.run("qvc", ["split", "--data", dir + "/train.csv", "-o", dir + "/parts", "--test", "0.25", "--json"])
        try #require(r.status == 0, "\(r.stderr)")
        let counts = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(counts?["train"] as? Int == 30 && counts?["test"] as? Int == 10, "\(r.stdout)")
        let before = try Data(contentsOf: URL(fileURLWithPath: dir + "/train.csv"))
        let over = try CLI.run("qvc", ["split", "--data", dir + "/train.csv", "-o", dir])
        #expect(over.status != 0 && over.stderrIsOneLine && over.stderr.contains("would destroy the input"), "\(over.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/train.csv")) == before)
    }

    /// Under `ulimit -f` the write fails with an error and leaves neither the output nor a
    /// temporary file; SIGTERM in the middle of a write removes the temporary file.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["QV_SANITIZER"] != "thread",
                   "ThreadSanitizer's runtime faults (SIGBUS) on any mapped file under ulimit -f, even in `qvc inspect`, which writes nothing"))
    func fileSizeLimitAndSignalsLeaveNothingBehind() throws {
        let dir = try CLI.temporaryFolder()
        let r = try CLI.run("/usr/bin/env", ["python3", CLI.root.appendingPathComponent("tools/make_random_bert.py").path, dir + "/bert",
                                             "--hidden", "64", "--layers", "2", "--heads", "2", "--intermediate", "128"])
        try #require(r.status == 0, "\(r.stderr)")
        let qvc = CLI.binDir + "/qvc"
        let limited = try CLI.run("/bin/sh", ["-c", "ulimit -f 64; exec \"$0\" compile \"$1\" -o \"$2\"", qvc, dir + "/bert", dir + "/out.qvb"])
        #expect(limited.status != 0 && limited.stderrIsOneLine && limited.stderr.contains("cannot write"), "\(limited.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["bert"])
        // SIGTERM at many moments: afterwards only the folder, or the folder and a whole .qvb.
        for delay in [0.05, 0.1, 0.2, 0.3, 0.4, 0.6] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: qvc)
            p.arguments = ["compile", dir + "/bert", "-o", dir + "/out.qvb", "--zstd"]
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(useconds_t(delay * 1e6))
            p.terminate()
            p.waitUntilExit()
            let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
            #expect(left == ["bert"] || left == ["bert", "out.qvb"], "after SIGTERM at \(delay) s: \(left)")
            try? FileManager.default.removeItem(atPath: dir + "/out.qvb")
        }
    }

    /// The same input compiles to the same bytes; SIGKILL at any moment of a compile over an
    /// existing output leaves the old file or the new one, never a mixture or a partial file
    /// (only a temporary file beside it, which nothing could remove after SIGKILL).
    @Test func killLeavesTheOldFileOrTheNewOne() throws {
        let dir = try CLI.temporaryFolder()
        let r = try CLI.run("/usr/bin/env", ["python3", CLI.root.appendingPathComponent("tools/make_random_bert.py").path, dir + "/bert",
                                             "--hidden", "64", "--layers", "2", "--heads", "2", "--intermediate", "128"])
        try #require(r.status == 0, "\(r.stderr)")
        let out = dir + "/out.qvb", newArguments = ["compile", dir + "/bert", "-o", out, "--bits", "w2a2", "--zstd"]
        func compiled(_ arguments: [String]) throws -> Data {
            let c = try CLI.run("qvc", arguments)
            try #require(c.status == 0, "\(c.stderr)")
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        let new = try compiled(newArguments)
        #expect(try compiled(newArguments) == new, "the same input compiled to different bytes")
        let old = try compiled(["compile", dir + "/bert", "-o", out])
        try #require(old != new)
        for delay in [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8] {
            try old.write(to: URL(fileURLWithPath: out))
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binDir + "/qvc")
            p.arguments = newArguments
            p.standardOutput = FileHandle.nullDevice; p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(useconds_t(delay * 1e6))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let now = try Data(contentsOf: URL(fileURLWithPath: out))
            #expect(now == old || now == new, "after SIGKILL at \(delay) s: \(now.count) bytes, neither the old file nor the new one")
            let others = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0 != "bert" && $0 != "out.qvb" }
            #expect(others.allSatisfy { $0.hasPrefix("out.qvb.tmp-") }, "\(others)")
        }
    }
}
