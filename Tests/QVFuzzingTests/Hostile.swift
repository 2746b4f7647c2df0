import Foundation
import QVFuzzing
import Testing

/// One file of the committed hostile corpus (`Tests/Fuzz/hostile/HARNESS/FILE`): the harness
/// that reads it, how it is made from a committed seed, and what its refusal must say.
struct Hostile: CustomTestStringConvertible, Sendable {
    /// The harness (`FuzzHarnesses`) that reads the file.
    let harness: String
    /// The file's name in the harness's folder.
    let file: String
    /// A part of the one-line refusal naming the value, op, tensor or field.
    let refusal: String
    /// The file's bytes, made from the committed seeds.
    let make: @Sendable () throws -> [UInt8]

    var testDescription: String { "\(harness)/\(file)" }

    /// The folder of the committed fuzz files (seeds and hostile corpus).
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")
    /// The committed seed `name` of `harness`.
    static func seed(_ harness: String, _ name: String) throws -> Data {
        try Data(contentsOf: fuzzFolder.appendingPathComponent("seeds/\(harness)/\(name)"))
    }

    /// Every hostile file, all harnesses.
    static let all: [Hostile] = HostileQVB.files + HostileFolders.files + HostileCheckpoints.files + HostileDataFiles.files
}

/// Edits of JSON text, for the recipes: the object in `data` with `edit` applied, keys sorted.
func editedJSON(_ data: Data, _ edit: (inout [String: Any]) -> Void) throws -> Data {
    var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
    edit(&object)
    return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
}
