import Foundation
import Testing
@testable import QVTrainer

@Suite("Checkpoint container")
struct CheckpointTests {
    /// Tensors with awkward values (signed zero, subnormal, infinities, a NaN payload), an empty
    /// one, and metadata holding JSON and non-ASCII text.
    static let checkpoint = CheckpointFile(
        tensors: [
            "encoder.0.weight": CheckpointTensor(shape: [2, 3], values: [1, -0.0, .leastNonzeroMagnitude, .infinity, -.infinity, Float(bitPattern: 0x7FC0_1234)]),
            "a.scale": CheckpointTensor(shape: [1], values: [0.125]),
            "empty": CheckpointTensor(shape: [0, 4], values: []),
        ],
        metadata: ["labels": #"["négatif","neutral"]"#, "config": #"{"hidden": 8, "quote": "\"/\\"}"#])

    /// `bytes` with its JSON header replaced by `edit(header)` (the length field follows).
    static func editingHeader(_ bytes: [UInt8], _ edit: (String) -> String) -> [UInt8] {
        let n = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = Array(edit(String(decoding: bytes[8..<8 + n], as: UTF8.self)).utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + bytes[(8 + n)...]
    }

    /// The error reading `bytes` gives (one line, naming the file), or nil.
    static func error(_ bytes: [UInt8]) -> CheckpointError? {
        do { _ = try CheckpointFile(data: Data(bytes), path: "m.ckpt"); return nil } catch {
            #expect(!error.message.contains("\n") && error.message.hasPrefix("m.ckpt: "), "\(error.message)")
            return error
        }
    }

    @Test func roundTripIsBitExactAndDeterministic() throws {
        let bytes = Self.checkpoint.serialized()
        #expect(bytes == Self.checkpoint.serialized())
        let headerLength = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        #expect((8 + headerLength) % 8 == 0, "data starts 8-byte aligned")
        let read = try CheckpointFile(data: Data(bytes), path: "m.ckpt")
        #expect(read.metadata == Self.checkpoint.metadata)
        #expect(read.tensors.keys.sorted() == Self.checkpoint.tensors.keys.sorted())
        for (name, t) in Self.checkpoint.tensors {
            #expect(read.tensors[name]!.shape == t.shape)
            #expect(try read.tensor(name, shape: t.shape).map(\.bitPattern) == t.values.map(\.bitPattern), "\(name)")
        }
        #expect(read.serialized() == bytes)
        #expect(try read.metadata("labels") == #"["négatif","neutral"]"#)
    }

    @Test func readsFromDisk() throws {
        let path = try DataFiles.write(Self.checkpoint.serialized(), named: "m.ckpt")
        #expect(try CheckpointFile(path: path).serialized() == Self.checkpoint.serialized())
        #expect(CheckpointFile.statePath(for: path) == path + ".state")
        #expect(throws: CheckpointError.self) { try CheckpointFile(path: path + ".missing") }
    }

    @Test func truncatedAtEveryLengthIsRefused() {
        let bytes = Self.checkpoint.serialized()
        for n in 0..<bytes.count { #expect(Self.error(Array(bytes.prefix(n))) != nil, "cut to \(n) of \(bytes.count) bytes") }
        #expect(Self.error(bytes + [0, 0, 0, 0])?.message.contains("cut or padded") == true)
    }

    @Test func flippedHeaderIsRefused() {
        let bytes = Self.checkpoint.serialized()
        for (at, bits) in [(0, UInt8(0x01)), (3, 0x10), (8, 0x04), (9, 0x20)] {
            var bad = bytes
            bad[at] ^= bits
            #expect(Self.error(bad) != nil, "flip at byte \(at)")
        }
        #expect(Self.error(Self.editingHeader(bytes) { $0.replacingOccurrences(of: "F32", with: "F16") }) != nil)
        #expect(Self.error(Self.editingHeader(bytes) { $0.replacingOccurrences(of: "F32", with: "I32") })?.message.contains("is I32") == true)
        #expect(Self.error(Self.editingHeader(bytes) { $0.replacingOccurrences(of: "[4,28]", with: "[0,24]") })?.message.contains("overlap") == true)
    }

    @Test func lyingShapeIsRefused() throws {
        let bytes = Self.checkpoint.serialized()
        let lie = Self.editingHeader(bytes) { $0.replacingOccurrences(of: "[2,3]", with: "[3,3]") }
        #expect(Self.error(lie)?.message.contains("encoder.0.weight") == true)
        let read = try CheckpointFile(data: Data(bytes), path: "m.ckpt")
        do { _ = try read.tensor("encoder.0.weight", shape: [3, 2]); Issue.record("wrong shape read") } catch {
            #expect(error.message.contains("'encoder.0.weight' has shape [2, 3] where [3, 2] is expected"), "\(error.message)")
        }
    }

    @Test func missingTensorAndMetadataAreRefused() throws {
        let read = try CheckpointFile(data: Data(Self.checkpoint.serialized()), path: "m.ckpt")
        do { _ = try read.tensor("pooler.weight", shape: [8, 8]); Issue.record("missing tensor read") } catch {
            #expect(error.message.hasPrefix("m.ckpt: no tensor 'pooler.weight'"), "\(error.message)")
        }
        do { _ = try read.metadata("recipe"); Issue.record("missing metadata read") } catch {
            #expect(error.message.contains("no 'recipe'"), "\(error.message)")
        }
        let noMetadata = Self.editingHeader(Self.checkpoint.serialized()) { header in
            let range = header.range(of: #""__metadata__":{"#)!
            let end = header[range.upperBound...].range(of: "},")!.upperBound
            return header.replacingCharacters(in: range.lowerBound..<end, with: "")
        }
        #expect(Self.error(noMetadata)?.message.contains("no __metadata__") == true)
    }
}
