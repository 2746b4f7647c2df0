import Foundation
import Testing
import QVFormat
import QVFuzzing
import QVRuntime

/// The committed hostile corpus, `Tests/Fuzz/hostile/HARNESS/`: one file per class of damage
/// each harness must survive (for `.qvb` files integrity-valid, so only the semantic checks can
/// catch it), each run through its harness — what `qvrun`, `qvc compile`, `qvc finetune` do with
/// it. Every one must be refused with a one-line message naming the value, op, tensor or field;
/// none may crash or run. Each file is also re-made from its recipe (`Hostile.all`) and must
/// equal the committed bytes; `QV_WRITE_HOSTILE_CORPUS=1` writes them afresh.
@Suite struct HostileCorpusTests {
    static let corpus = Hostile.fuzzFolder.appendingPathComponent("hostile")

    @Test(arguments: Hostile.all)
    func refused(_ h: Hostile) throws {
        let url = Self.corpus.appendingPathComponent("\(h.harness)/\(h.file)")
        let made = try h.make()
        if ProcessInfo.processInfo.environment["QV_WRITE_HOSTILE_CORPUS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(made).write(to: url)
        }
        let committed = try Data(contentsOf: url)
        #expect([UInt8](committed) == made, "\(h.file) differs from its recipe; write the corpus again (QV_WRITE_HOSTILE_CORPUS=1)")
        let harness = try #require(FuzzHarnesses.named(h.harness))
        let outcome = committed.withUnsafeBytes { harness.run($0) }
        guard case .refused(let message) = outcome else { Issue.record("\(h.file): not refused, \(outcome)"); return }
        #expect(message.contains(h.refusal), "\(h.file): \(message)")
        #expect(!message.contains("\n"), "one line: \(message)")
    }

    /// Every committed hostile file has its recipe, and every harness has hostile files.
    @Test func corpusIsComplete() throws {
        var committed: Set<String> = []
        for harness in try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path) {
            for file in try FileManager.default.contentsOfDirectory(atPath: Self.corpus.appendingPathComponent(harness).path) {
                committed.insert("\(harness)/\(file)")
            }
        }
        #expect(committed == Set(Hostile.all.map(\.testDescription)))
        let covered = Set(Hostile.all.map(\.harness))
        #expect(FuzzHarnesses.all.map { $0.name }.filter { !covered.contains($0) && $0 != "tokenizer-text" } == [],
                "a harness without hostile files (tokenizer text has no refusal: every text tokenizes)")
    }

    /// Every harness's seeds (`Tests/Fuzz/seeds/HARNESS`) load and run, so mutation starts from
    /// inputs that reach the deepest code.
    @Test(arguments: FuzzHarnesses.all.map { $0.name })
    func seedsRun(_ name: String) throws {
        let harness = try #require(FuzzHarnesses.named(name))
        let folder = Hostile.fuzzFolder.appendingPathComponent("seeds/\(name)")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!seeds.isEmpty)
        for seed in seeds {
            let outcome = try Data(contentsOf: folder.appendingPathComponent(seed)).withUnsafeBytes { harness.run($0) }
            guard case .ran(let refusedRuns) = outcome else { Issue.record("\(name)/\(seed): \(outcome)"); continue }
            // A text model refuses only the probe's ids out of range.
            #expect(refusedRuns == (["qvb", "huggingface", "checkpoint"].contains(name) ? 1 : 0), "\(name)/\(seed)")
        }
    }

    /// Inputs a fuzzer once found a fault with (`Tests/Fuzz/findings/HARNESS/`, kept after the
    /// fix) run through their harness without crashing.
    @Test(arguments: FuzzHarnesses.all.map { $0.name })
    func findingsStayFixed(_ name: String) throws {
        let harness = try #require(FuzzHarnesses.named(name))
        let folder = Hostile.fuzzFolder.appendingPathComponent("findings/\(name)")
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            _ = try Data(contentsOf: folder.appendingPathComponent(file)).withUnsafeBytes { harness.run($0) }
        }
    }

    /// The arena is sized against the host's budget before anything is allocated: over it, the
    /// session is refused with the size, the largest value and what to do.
    @Test func memoryBudget() throws {
        let data = try Hostile.seed("qvb", "bert-w2a2.qvb")
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let model = try QVModel(file: try QVBFile(bytes: raw))
            #expect(throws: Never.self) { _ = try InferenceSession(model: model, memoryBudget: 1 << 20) }
            do {
                _ = try InferenceSession(model: model, memoryBudget: 4096)
                Issue.record("a 4 KiB budget was accepted")
            } catch let error as RuntimeError {
                #expect(error.kind == .memoryBudget)
                #expect(error.message.contains("more than the memory budget of 4096 bytes") && error.message.contains("largest value '"), "\(error.message)")
            }
        }
    }
}
