import Foundation
import Testing

/// Runs the built `qvc` / `qvrun` binaries as a user would.
enum CLI {
    /// Repository root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Folder with the built executables: `QV_BIN_DIR`, else `.build/release`, else `.build/debug`.
    static let binDir: String = {
        if let d = ProcessInfo.processInfo.environment["QV_BIN_DIR"] { return d }
        let release = root.appendingPathComponent(".build/release").path
        return FileManager.default.fileExists(atPath: release + "/qvrun") ? release : root.appendingPathComponent(".build/debug").path
    }()

    /// What a finished command left behind.
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `program` with `arguments` (and `environment` changes: a nil value removes the
    /// variable); fails the test if it runs longer than `timeout` seconds (a hang) or dies from
    /// a signal (a crash).
    static func run(_ program: String, _ arguments: [String], environment: [String: String?] = [:],
                    timeout: Double = 300) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program.contains("/") ? program : binDir + "/" + program)
        p.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            p.environment = merged
        }
        // Output goes to files, not pipes, so a chatty process can never block on a full pipe.
        let dir = try temporaryFolder()
        _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            Issue.record("\(program) \(arguments) hung for \(timeout) s")
        }
        p.waitUntilExit()
        let stdoutData = FileManager.default.contents(atPath: dir + "/out") ?? Data()
        let stderrData = FileManager.default.contents(atPath: dir + "/err") ?? Data()
        try? FileManager.default.removeItem(atPath: dir)
        #expect(p.terminationReason == .exit, "\(program) \(arguments) crashed (signal \(p.terminationStatus))")
        return Result(status: p.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qv-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The MiniLM-L6 folder (`QV_MINILM_DIR` or the installed wheel, via tools/minilm-dir.sh).
    static func miniLM() throws -> String {
        let r = try run(root.appendingPathComponent("tools/minilm-dir.sh").path, [])
        let dir = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(r.status == 0 && !dir.isEmpty, "MiniLM-L6 not found: run tools/setup.sh")
        return dir
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var compiled: [String: String] = [:]

    /// MiniLM-L6 compiled by `qvc compile` at `bits`, once per test run.
    static func compiledMiniLM(_ bits: String) throws -> String {
        lock.lock(); defer { lock.unlock() }
        if let path = compiled[bits] { return path }
        let path = try temporaryFolder() + "/minilm-\(bits).qvb"
        let r = try run("qvc", ["compile", try miniLM(), "-o", path, "--bits", bits])
        try #require(r.status == 0, "qvc compile failed: \(r.stderr)")
        compiled[bits] = path
        return path
    }
}

extension CLI.Result {
    /// Exactly one non-empty line on standard error.
    var stderrIsOneLine: Bool {
        stderr.split(separator: "\n").filter { !$0.isEmpty }.count == 1
    }
}
