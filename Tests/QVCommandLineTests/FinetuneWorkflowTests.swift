import Foundation
import Testing

/// `qvc finetune` → `qvc compile` → `qvc verify` / `qvc eval` as a user runs them, on a small
/// random BERT folder and a made-up sentiment file; resume after SIGKILL; bad input.
@Suite(.serialized) struct FinetuneWorkflowTests {
    /// A small random encoder folder with MiniLM's vocabulary (no head), made once.
    static let folder: Result<String, Error> = Result {
        let dir = try CLI.temporaryFolder() + "/encoder"
        let r = try CLI.run("/usr/bin/env", ["python3", CLI.root.appendingPathComponent("tools/make_random_bert.py").path, dir,
                                             "--hidden", "32", "--layers", "2", "--heads", "2", "--intermediate", "64",
                                             "--vocab-from", try CLI.miniLM()])
        try #require(r.status == 0, "make_random_bert.py failed: \(r.stderr)")
        return dir
    }

    /// 300 short texts whose label is set by one word: good/great/love → positive,
    /// bad/awful/hate → negative, else neutral.
    static func dataFile(rows: Int = 300) throws -> String {
        let words = ["the", "movie", "car", "day", "food", "was", "is", "very", "quite", "today", "our", "trip"]
        let cues = [("good", "positive"), ("great", "positive"), ("love", "positive"), ("bad", "negative"), ("awful", "negative"),
                    ("hate", "negative"), ("fine", "neutral"), ("okay", "neutral")]
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int((state >> 33) % UInt64(n)) }
        var csv = "text,sentiment\n"
        for i in 0..<rows {
            let (cue, label) = cues[next(cues.count)]
            var t = (0..<(2 + next(5))).map { _ in words[next(words.count)] }
            t.insert(cue, at: next(t.count + 1))
            csv += t.joined(separator: " ") + " \(i),\(label)\n"
        }
        let path = try CLI.temporaryFolder() + "/data.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `qvc finetune` with the test's settings; returns the JSON result.
    static func finetune(_ model: String, data: String, bits: String, out: String, extra: [String] = []) throws -> [String: Any] {
        let r = try CLI.run("qvc", ["finetune", "--model", model, "--data", data, "--bits", bits, "--epochs", "4", "--batch", "16",
                                    "--lr", "3e-3", "--max-length", "16", "--threads", "1", "-o", out, "--json"] + extra)
        try #require(r.status == 0, "finetune \(bits) failed: \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func trainCompileVerifyAndEvaluate() throws {
        let dir = try CLI.temporaryFolder(), data = try Self.dataFile()
        let fp32 = try Self.finetune(try Self.folder.get(), data: data, bits: "fp32", out: dir + "/fp32.ckpt")
        let epochs = try #require(fp32["epochs"] as? [[String: Any]])
        let first = try #require(epochs.first?["train_loss"] as? Double), last = try #require(epochs.last?["train_loss"] as? Double)
        #expect(last < 0.7 * first, "fp32 training loss \(first) → \(last)")
        // W2A2 from the FP32 checkpoint, which is also its distillation teacher by default.
        _ = try Self.finetune(dir + "/fp32.ckpt", data: data, bits: "w2a2", out: dir + "/w2a2.ckpt")
        for bits in ["fp32", "w2a2"] {
            let compiled = try CLI.run("qvc", ["compile", dir + "/\(bits).ckpt", "-o", dir + "/\(bits).qvb"])
            #expect(compiled.status == 0, "\(compiled.stderr)")
            let verify = try CLI.run("qvc", ["verify", dir + "/\(bits).ckpt", dir + "/\(bits).qvb", "--data", data, "--json"])
            #expect(verify.status == 0, "\(bits): \(verify.stdout) \(verify.stderr)")
            if bits == "w2a2" {
                // The deployed forward is the compiled network: every logit agrees to the bit.
                let report = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
                #expect(report["identical_logits"] as? Int == report["texts"] as? Int && report["integer_forward"] as? Bool == true, "\(report)")
            }
            for model in [dir + "/\(bits).ckpt", dir + "/\(bits).qvb"] {
                let eval = try CLI.run("qvc", ["eval", model, "--data", data, "--json"])
                #expect(eval.status == 0 && eval.stdout.contains("\"accuracy\""), "\(eval.stderr)")
            }
        }
        // Post-training W4A4 of the FP32 checkpoint compiles and evaluates.
        let w4a4 = try CLI.run("qvc", ["compile", dir + "/fp32.ckpt", "--bits", "w4a4", "-o", dir + "/w4a4.qvb"])
        #expect(w4a4.status == 0, "\(w4a4.stderr)")
        let w4a4Eval = try CLI.run("qvc", ["eval", dir + "/w4a4.qvb", "--data", data, "--json"])
        #expect(w4a4Eval.status == 0 && w4a4Eval.stdout.contains("\"accuracy\""), "\(w4a4Eval.stderr)")
        // Sensitivity: with nothing quantized it is the FP32 checkpoint's own accuracy; every
        // module kind, every layer, embeddings, head and everything get a row.
        let analyze = try CLI.run("qvc", ["analyze", dir + "/fp32.ckpt", "--data", data, "--limit", "0", "--json"])
        try #require(analyze.status == 0, "\(analyze.stderr)")
        let sensitivity = try #require(try JSONSerialization.jsonObject(with: Data(analyze.stdout.utf8)) as? [String: Any])
        let rows = try #require(sensitivity["rows"] as? [[String: Any]])
        let fp32Eval = try CLI.run("qvc", ["eval", dir + "/fp32.ckpt", "--data", data, "--json"])
        let fp32Accuracy = try #require((try JSONSerialization.jsonObject(with: Data(fp32Eval.stdout.utf8)) as? [String: Any])?["accuracy"] as? Double)
        #expect(rows.count == 1 + 6 + 2 + 3 && rows[0]["accuracy"] as? Double == fp32Accuracy, "\(rows)")
        #expect(rows.dropFirst().allSatisfy { ($0["points"] as? Int ?? 0) > 0 }, "\(rows)")
        let quantizedAnalyze = try CLI.run("qvc", ["analyze", dir + "/w2a2.ckpt", "--data", data])
        #expect(quantizedAnalyze.status != 0 && quantizedAnalyze.stderrIsOneLine && quantizedAnalyze.stderr.contains("not an FP32 checkpoint"),
                "\(quantizedAnalyze.stderr)")
        // A checkpoint compiles at its own bits only.
        let wrongBits = try CLI.run("qvc", ["compile", dir + "/w2a2.ckpt", "-o", dir + "/x.qvb", "--bits", "w1a1"])
        #expect(wrongBits.status != 0 && wrongBits.stderrIsOneLine && wrongBits.stderr.contains("trained at w2a2"), "\(wrongBits.stderr)")
    }

    @Test func resumeAfterSIGKILLEndsBitIdentical() throws {
        let dir = try CLI.temporaryFolder(), data = try Self.dataFile()
        let settings = ["--data", data, "--bits", "w2a2", "--epochs", "3", "--batch", "16", "--lr", "3e-3", "--max-length", "16",
                        "--threads", "1", "--save-every", "5"]
        let model = try Self.folder.get()
        let whole = try CLI.run("qvc", ["finetune", "--model", model, "-o", dir + "/whole.ckpt"] + settings)
        try #require(whole.status == 0, "\(whole.stderr)")
        // Start the same run, kill it once it has saved a state mid-run, resume it.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binDir + "/qvc")
        p.arguments = ["finetune", "--model", model, "-o", dir + "/cut.ckpt"] + settings
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && !FileManager.default.fileExists(atPath: dir + "/cut.ckpt.state") && Date() < deadline { usleep(2_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        let resumed = try CLI.run("qvc", ["finetune", "--model", model, "-o", dir + "/cut.ckpt", "--resume"] + settings)
        try #require(resumed.status == 0, "\(resumed.stderr)")
        let a = FileManager.default.contents(atPath: dir + "/whole.ckpt"), b = FileManager.default.contents(atPath: dir + "/cut.ckpt")
        #expect(a != nil && a == b, "resumed checkpoint differs from the uninterrupted run's")
    }

    @Test func defaultLearningRateFollowsTheBits() throws {
        let dir = try CLI.temporaryFolder(), data = try Self.dataFile(rows: 40), model = try Self.folder.get()
        for (bits, extra, expected) in [("w2a2", [String](), 4e-4), ("w1a1", [], 2e-4), ("w2a2", ["--recipe", "lsq"], 1e-4), ("fp32", [], 5e-5)] {
            let r = try CLI.run("qvc", ["finetune", "--model", model, "--data", data, "--bits", bits, "--max-steps", "1", "--batch", "8",
                                        "--max-length", "16", "--threads", "1", "-o", dir + "/\(bits).ckpt", "--json"] + extra)
            try #require(r.status == 0, "\(r.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let rate = try #require(report["learning_rate"] as? Double)
            #expect(abs(rate - expected) < 1e-9, "\(bits) \(extra): \(rate)")
            #expect(r.stderr.contains("peak learning rate"), "\(r.stderr)")
        }
    }

    @Test func badInputIsOneLineAndWritesNothing() throws {
        let dir = try CLI.temporaryFolder(), model = try Self.folder.get()
        func refused(_ csv: String, _ expected: String, model m: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let data = dir + "/bad.csv"
            try csv.write(toFile: data, atomically: true, encoding: .utf8)
            let r = try CLI.run("qvc", ["finetune", "--model", m ?? model, "--data", data, "--max-steps", "2", "-o", dir + "/out.ckpt"])
            #expect(r.status != 0 && r.stderrIsOneLine && r.stderr.contains(expected), "\(r.stderr)", sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: dir + "/out.ckpt"), sourceLocation: sourceLocation)
        }
        try refused("words,sentiment\na,positive\nb,negative\n", "text")
        try refused("", "empty")
        try refused("text,sentiment\na,positive\nb,positive\n", "class")
        try refused("text,sentiment\n  ,positive\n ,negative\n", "empty")
        // A checkpoint whose description lies about the shapes, and one cut short.
        let good = dir + "/good.ckpt"
        _ = try Self.finetune(model, data: try Self.dataFile(rows: 40), bits: "fp32", out: good, extra: ["--max-steps", "1"])
        // The description is JSON inside the header's JSON: its quotes are escaped.
        var raw = try #require(FileManager.default.contents(atPath: good))
        let range = try #require(raw.range(of: Data(#"\"layers\":2"#.utf8)), "checkpoint metadata not found")
        raw.replaceSubrange(range, with: Data(#"\"layers\":3"#.utf8))
        let lying = dir + "/lying.ckpt"
        try raw.write(to: URL(fileURLWithPath: lying))
        try refused("text,sentiment\na good day,positive\na bad day,negative\n", "asks for more weights than the checkpoint", model: lying)
        let cut = dir + "/cut.ckpt"
        try raw.prefix(raw.count / 2).write(to: URL(fileURLWithPath: cut))
        try refused("text,sentiment\na good day,positive\na bad day,negative\n", "cut.ckpt", model: cut)
    }
}
