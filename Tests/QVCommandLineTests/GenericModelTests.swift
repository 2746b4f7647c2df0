import Foundation
import Testing
import QVFormat

/// A model that is not a text model — one FP32 image input of four dimensions, no tokenizer, no
/// token ids — is inspected and benchmarked like any other.
@Suite struct GenericModelTests {
    /// `[1, 3, 8, 8]` pixels, L2-normalised along the last dimension.
    static func imageModel() throws -> String {
        let values = [QVB.Value(name: "pixels", type: .f32, shape: [1, 3, 8, 8]),
                      QVB.Value(name: "normalized", type: .f32, shape: [1, 3, 8, 8])]
        let model = QVB.Model(producer: QVB.Producer(name: "test"), family: .generic, bert: nil, precision: "fp32",
                              tokenizer: nil, tensors: [], values: values,
                              ops: [QVB.Op(name: "normalize", attributes: .l2Normalize(epsilon: 1e-6), inputs: [0], outputs: [1])],
                              inputs: [QVB.Port(name: "pixels", value: 0, role: .image)],
                              outputs: [QVB.Port(name: "normalized", value: 1, role: .tensor)], maxTokens: 0)
        let path = try CLI.temporaryFolder() + "/image.qvb"
        try Data(try QVBWriter.encode(model, sections: [], compression: .none)).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func inspectNamesTheImageInput() throws {
        let r = try CLI.run("qvc", ["inspect", try Self.imageModel()])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("inputs: pixels (image, [1, 3, 8, 8])"), "\(r.stdout)")
        #expect(r.stdout.contains("outputs: normalized (tensor, [1, 3, 8, 8])"), "\(r.stdout)")
    }

    @Test func benchRunsOnZerosOfTheInputShape() throws {
        let r = try CLI.run("qvc", ["bench", try Self.imageModel(), "--runs", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect((o["median_ms"] as? Double).map { $0 >= 0 } == true)
        #expect(o["seq"] as? Int == 0)
    }

    @Test func qvrunSaysTheModelTakesNoText() throws {
        let r = try CLI.run("qvrun", [try Self.imageModel(), "--text", "hello"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("takes no text"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
