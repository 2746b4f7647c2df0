import Foundation
import Testing
@testable import QVFormat

@Suite("Stock flatc reads qv files")
struct FlatcTests {
    private static let flatc = "/usr/bin/flatc"
    private static let schema = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("formats/qvb.fbs")

    /// The file decoded to JSON by `flatc --json --raw-binary`.
    private func decodeWithFlatc(_ file: [UInt8]) throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qvb-flatc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = directory.appendingPathComponent("model.qvb")
        try Data(file).write(to: binary)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.flatc)
        process.arguments = ["--json", "--strict-json", "--raw-binary", "-o", directory.path, Self.schema.path, "--", binary.path]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "flatc failed")
        let json = try Data(contentsOf: directory.appendingPathComponent("model.json"))
        return try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
    }

    @Test("flatc --json decodes a written file with the expected values", arguments: QVB.Compression.allCases)
    func flatcDecodes(compression: QVB.Compression) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.flatc) else {
            Issue.record("flatc is not installed at \(Self.flatc); install flatbuffers-compiler (CI has it)")
            return
        }
        let file = try Fixture.file(compression)
        let json = try decodeWithFlatc(file)
        #expect(json["format_version"] as? Int == 2)
        #expect(json["max_tokens"] as? Int == 16)
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["name"] as? String } == ["input_ids", "token_type_ids", "attention_mask"])
        #expect(inputs.map { $0["role"] as? String } == ["token_ids", "token_types", "attention_mask"])
        let outputs = try #require(json["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["value"] as? Int } == [8, 9])
        #expect(json["io"] == nil, "version 2 files leave out the version 1 io table")
        #expect(json["precision"] as? String == "w2a2")
        #expect(json["file_size"] as? Int == file.count)
        #expect((json["producer"] as? [String: Any])?["command"] as? String == Fixture.model.producer.command)
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == Fixture.tensors.map { $0.name })
        #expect(tensors[1]["type"] as? String == "u2")
        #expect(tensors[1]["shape"] as? [Int] == [4, 5])
        #expect((tensors[1]["quant"] as? [String: Any])?["scheme"] as? String == "signed_symmetric")
        let ops = try #require(json["ops"] as? [[String: Any]])
        #expect(ops[4]["attrs_type"] as? String == "AttentionAttrs")
        #expect((ops[4]["attrs"] as? [String: Any])?["heads"] as? Int == 2)
        #expect((ops[4]["attrs"] as? [String: Any])?["score_scale"] as? Double == 0.125)
        #expect(ops[3]["attrs_type"] as? String == "LinearAttrs")
        #expect((ops[3]["attrs"] as? [String: Any])?["activation"] as? String == "gelu")
        let tokenizer = try #require(json["tokenizer"] as? [String: Any])
        #expect(tokenizer["vocab"] as? [String] == Fixture.model.tokenizer?.vocab)
        #expect(tokenizer["lowercase"] as? Bool == false)
        let sections = try #require(json["sections"] as? [[String: Any]])
        #expect(sections.map { $0["name"] as? String } == ["weights", "embeddings", "empty"])
        #expect(sections[0]["data"] as? [Int] == Fixture.weights.map { Int($0) })
        #expect(sections[1]["uncompressed_size"] as? Int == Fixture.embeddings.count)
        #expect((sections[1]["compression"] as? String ?? "none") == (compression == .zstd ? "zstd" : "none"))
    }
}
