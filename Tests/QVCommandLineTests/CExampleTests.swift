import Foundation
import Testing

/// examples/c/embed.c built with plain `cc` against libqv.a (include/qv.h) prints the same ids
/// and the same output values, bit for bit, as `qvrun --json`, and fails with qvrun's one-line
/// reasons.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["QV_SANITIZER"] == nil,
                "a sanitized libqv.a needs its sanitizer's runtime, which plain cc does not link (CAPITests cover the API there)"))
struct CExampleTests {
    /// The example, compiled once.
    static let example: Result<String, Error> = Result {
        let dir = try CLI.temporaryFolder()
        let swiftLibraries = "/opt/swift/usr/lib/swift/linux"
        let r = try CLI.run("/usr/bin/env", ["cc", "-O2", "-I", CLI.root.appendingPathComponent("include").path,
                                             CLI.root.appendingPathComponent("examples/c/embed.c").path,
                                             swiftLibraries + "/x86_64/swiftrt.o", CLI.binDir + "/libqv.a",
                                             "-L", swiftLibraries, "-Wl,-rpath," + swiftLibraries,
                                             "-lswiftCore", "-lzstd", "-lstdc++", "-lm", "-lpthread", "-o", dir + "/embed"])
        guard r.status == 0 else { throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        return dir + "/embed"
    }

    @Test(arguments: ["bert-w2a2", "bert-fp32", "bert-w1a1", "classifier-w2a2"])
    func printsWhatQvrunPrints(_ seed: String) throws {
        let embed = try Self.example.get()
        let model = CLI.root.appendingPathComponent("Tests/Fuzz/seeds/qvb/\(seed).qvb").path
        let text = "the quick brown fox jumps over the lazy dog"
        let ours = try CLI.run(embed, [model, text]), theirs = try CLI.run("qvrun", [model, "--text", text, "--json"])
        try #require(ours.status == 0 && theirs.status == 0, "\(ours.stderr) \(theirs.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(ours.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(theirs.stdout.utf8)) as? [String: Any])
        #expect((a["ids"] as? [Int]) == (b["ids"] as? [Int]))
        for key in ["embedding", "logits"] where b[key] != nil {
            let mine = try #require(a[key] as? [Double]).map(Float.init), qvrun = try #require(b[key] as? [Double]).map(Float.init)
            #expect(mine == qvrun, "\(key)")
        }
    }

    @Test func failsWithOneLine() throws {
        let embed = try Self.example.get()
        let missing = try CLI.run(embed, ["/no/such.qvb", "x"])
        #expect(missing.status == 1 && missing.stderrIsOneLine && missing.stderr.contains("cannot open '/no/such.qvb'"), "\(missing.stderr)")
        let foreign = try CLI.run(embed, [CLI.root.appendingPathComponent("README.md").path, "x"])
        #expect(foreign.status == 1 && foreign.stderrIsOneLine && foreign.stderr.contains("not a qv model file"), "\(foreign.stderr)")
    }
}
