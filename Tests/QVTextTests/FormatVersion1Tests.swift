import Foundation
import Testing
import QVFormat
import QVKernels
import QVRuntime
import QVText

/// A file written by the last qvc of format version 1 (a seeded tiny BERT at w2a2, made with
/// tools/make_random_bert.py) still loads: its fixed token I/O becomes named ports, and it runs to
/// the very ids and embedding bits that qvrun of that version printed for the same sentence.
@Suite struct FormatVersion1Tests {
    /// The version 1 file and what its qvrun printed.
    static func fixture() throws -> (file: [UInt8], text: String, ids: [Int32], embedding: [Float]) {
        let file = try [UInt8](Data(contentsOf: TestSupport.fixture("v1-tiny-w2a2.qvb")))
        let expected = try Data(contentsOf: TestSupport.fixture("v1-tiny-w2a2.expected.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: expected) as? [String: Any])
        return (file, try #require(object["text"] as? String),
                try #require(object["ids"] as? [NSNumber]).map { Int32(truncating: $0) },
                try #require(object["embedding"] as? [NSNumber]).map { Float($0.doubleValue) })
    }

    @Test func version1FileLoadsWithNamedPortsAndRunsTheSame() throws {
        let (bytes, text, ids, embedding) = try Self.fixture()
        try bytes.withUnsafeBytes { raw in
            let file = try QVBFile(bytes: raw)
            #expect(file.model.formatVersion == 1)
            let model = try QVModel(file: file)
            #expect(model.inputs.map(\.name) == ["input_ids", "token_type_ids", "attention_mask"])
            #expect(model.inputs.map(\.role) == [.tokenIds, .tokenTypes, .attentionMask])
            #expect(model.outputs.map(\.role) == [.embedding])
            #expect(model.maxTokens == 512)
            for path in KernelPath.supported {
                let output = try InferenceSession(model: model, path: path).run(text: text, tokenizer: try model.tokenizer())
                #expect(output.ids == ids, "\(path)")
                #expect(output.embedding?.map(\.bitPattern) == embedding.map(\.bitPattern), "\(path)")
            }
        }
    }
}
